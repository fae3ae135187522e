/**
 * Forwards a function process's stdout/stderr to the container log, line by line.
 *
 * Lines keep the of-watchdog shape (`<time> stderr: <line>` with prefix_logs, the bare line without) rather than
 * JSON, so function authors see what they printed.
 */
import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';

export type ChildStreamName = 'stdout' | 'stderr';

/** Where function output lines end up; main.ts writes them to the watchdog's own stdout/stderr. */
export type ChildLogWriter = (stream: ChildStreamName, line: string) => void;

export interface ChildLogOptions {
  readonly prefixLogs: boolean;
  readonly logBufferSize: number;
  readonly write: ChildLogWriter;
}

/** Starts forwarding `source`; lines are flushed when the source ends. */
export function forwardChildLog(source: Readable, stream: ChildStreamName, options: ChildLogOptions): void {
  const { write, prefixLogs } = options;
  const splitter = new LineSplitter(options.logBufferSize, (line) => {
    write(stream, prefixLogs ? `${new Date().toISOString()} ${stream}: ${line}` : line);
  });
  source.on('data', (chunk: Buffer) => splitter.push(chunk));
  source.once('end', () => splitter.flush());
  // A broken pipe on a dying child must not surface as an unhandled 'error' event.
  source.on('error', () => splitter.flush());
}
