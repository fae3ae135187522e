/**
 * The bytes between the watchdog and the native fork helper (watchdog/native/fork-helper.c has the full
 * description). Little-endian u32 fields. A request connection starts with a header carrying the request id and its
 * Http_* variables; the helper answers on its stdout with frames: type(u8) id(u32) length(u32) payload.
 */
import { constants } from 'node:os';

export const FRAME_READY = 0x52; // 'R': listening, requests may connect
export const FRAME_STDERR = 0x45; // 'E': stderr bytes of a request's process
export const FRAME_EXIT = 0x58; // 'X': the process exited; payload i32 = exit code, or -signal number
export const FRAME_FAILED = 0x46; // 'F': the process could not be started; payload = error text

const FRAME_HEADER_BYTES = 9;
/** Ids run 1..2^32-1; 0 is never used because the helper's empty kill memory holds zeros. */
export const MAX_REQUEST_ID = 0xffff_ffff;

/** Header of a request connection: length, id, count, then `count` "NAME=value\0" strings. */
export function encodeRequestHeader(id: number, variables: Readonly<Record<string, string>>): Buffer {
  let text = '';
  let count = 0;
  for (const name of Object.keys(variables)) {
    text += `${name}=${variables[name]}\0`;
    count++;
  }
  const size = Buffer.byteLength(text);
  const header = Buffer.allocUnsafe(12 + size);
  header.writeUInt32LE(8 + size, 0);
  header.writeUInt32LE(id, 4);
  header.writeUInt32LE(count, 8);
  header.write(text, 12);
  return header;
}

export type FrameHandler = (type: number, id: number, payload: Buffer) => void;

/** Splits the helper's stdout into frames, across chunk boundaries. */
export class FrameDecoder {
  private rest: Buffer | undefined;

  constructor(private readonly onFrame: FrameHandler) {}

  push(chunk: Buffer): void {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    let pos = 0;
    while (buf.length - pos >= FRAME_HEADER_BYTES) {
      const length = buf.readUInt32LE(pos + 5);
      const end = pos + FRAME_HEADER_BYTES + length;
      if (end > buf.length) break;
      this.onFrame(buf[pos] as number, buf.readUInt32LE(pos + 1), buf.subarray(pos + FRAME_HEADER_BYTES, end));
      pos = end;
    }
    this.rest = pos < buf.length ? buf.subarray(pos) : undefined;
  }
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

/** The exit frame's payload as Node's ('close', code, signal) pair. */
export function decodeExit(payload: Buffer): { code: number | null; signal: NodeJS.Signals | null } {
  const status = payload.readInt32LE(0);
  if (status >= 0) return { code: status, signal: null };
  return { code: null, signal: SIGNAL_NAMES.get(-status) ?? 'SIGKILL' };
}
