/**
 * Writing an upstream's response to the client as it arrives: status and headers first (flushed at once for
 * event streams), then each chunk with backpressure, the upstream paused while the client's socket is full.
 */
import type { ServerResponse } from 'node:http';
import { isEventStream } from './forward-headers.js';

/** What a response's source can be asked to do: undici's DispatchController, a node IncomingMessage. */
export interface PausableSource {
  pause(): unknown;
  resume(): unknown;
}

export function startResponse(res: ServerResponse, statusCode: number, headers: Record<string, string | string[]>): void {
  res.writeHead(statusCode, headers);
  // Other responses go out with their first body chunk, in one write.
  if (isEventStream(headers)) res.flushHeaders();
}

const kSource = Symbol('funtainer.pausedSource');
type Tagged = ServerResponse & { [kSource]?: PausableSource | undefined };

/** Writes `chunk`; when the client's buffer is full, pauses `source` until it drains. */
export function forwardChunk(res: ServerResponse, source: PausableSource, chunk: Buffer): void {
  if (res.write(chunk)) return;
  source.pause();
  (res as Tagged)[kSource] = source;
  res.once('drain', onDrain);
}

function onDrain(this: Tagged): void {
  const source = this[kSource];
  this[kSource] = undefined;
  source?.resume();
}
