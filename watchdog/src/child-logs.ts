/**
 * Forwards a function process's stdout/stderr to the container log, line by line.
 *
 * A function that prints megabytes without a newline must not make the watchdog buffer megabytes: a line longer than
 * log_buffer_size is emitted in pieces of that size (of-watchdog's bufio.Scanner instead stops logging altogether).
 * With log_buffer_size=-1 chunks are emitted as they arrive, without line assembly.
 *
 * Lines keep the of-watchdog shape (`<time> stderr: <line>` with prefix_logs, the bare line without) rather than
 * JSON, so function authors see what they printed.
 */
import type { Readable } from 'node:stream';

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
  const splitter = createChildLogSplitter(stream, options);
  source.on('data', (chunk: Buffer) => splitter.push(chunk));
  source.once('end', () => splitter.flush());
  // A broken pipe on a dying child must not surface as an unhandled 'error' event.
  source.on('error', () => splitter.flush());
}

/** A splitter that writes finished lines to the function log; for output that does not come as a stream. */
export function createChildLogSplitter(stream: ChildStreamName, options: ChildLogOptions): LineSplitter {
  const { write, prefixLogs } = options;
  return new LineSplitter(options.logBufferSize, (line) => {
    write(stream, prefixLogs ? `${new Date().toISOString()} ${stream}: ${line}` : line);
  });
}

export type LineSink = (line: string) => void;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly sink: LineSink,
  ) {}

  push(chunk: Buffer): void {
    if (this.maxLineBytes < 0) {
      if (chunk.length > 0) this.sink(trimEnd(chunk).toString('utf8'));
      return;
    }
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk.subarray(start, end));
      if (newline === -1) break;
      this.emit();
      start = newline + 1;
    }
  }

  /** Emits what is left when the stream ends (a last line without a newline). */
  flush(): void {
    if (this.pendingBytes > 0) this.emit();
  }

  private append(part: Buffer): void {
    let rest = part;
    while (this.pendingBytes + rest.length > this.maxLineBytes) {
      const room = this.maxLineBytes - this.pendingBytes;
      this.pending.push(rest.subarray(0, room));
      this.pendingBytes += room;
      rest = rest.subarray(room);
      this.emit();
    }
    if (rest.length > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
  }

  private emit(): void {
    const line = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.sink(trimEnd(line).toString('utf8'));
  }
}

/** Drops a trailing CR (CRLF output) and, in unbuffered mode, the trailing newline. */
function trimEnd(buf: Buffer): Buffer {
  let end = buf.length;
  while (end > 0 && (buf[end - 1] === NEWLINE || buf[end - 1] === CARRIAGE_RETURN)) end--;
  return end === buf.length ? buf : buf.subarray(0, end);
}
