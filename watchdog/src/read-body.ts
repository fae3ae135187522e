/**
 * Buffers a request body with a hard size limit, for the modes that must see the whole body (serializing, module).
 */
import type { IncomingMessage } from 'node:http';
import { WatchdogError, WATCHDOG_ERROR_CODES } from './errors.js';

/** Largest body a buffering mode accepts (streaming and http modes stream and have no such limit). */
export const MAX_BUFFERED_BODY_BYTES = 32 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);

export function readBody(req: IncomingMessage, limitBytes = MAX_BUFFERED_BODY_BYTES): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared === '0') return Promise.resolve(EMPTY);
  if (declared !== undefined && Number(declared) > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limitBytes));
        return;
      }
      // Most bodies arrive in one chunk; avoid the array and the concat for them.
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    });
    req.once('end', () => resolve(chunks !== undefined ? Buffer.concat(chunks, size) : (first ?? EMPTY)));
    req.once('error', reject);
  });
}

function tooLarge(limitBytes: number): WatchdogError {
  return new WatchdogError(WATCHDOG_ERROR_CODES.bodyTooLarge, `request body exceeds ${limitBytes} bytes`);
}
