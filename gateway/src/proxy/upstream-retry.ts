/**
 * When a failed upstream call may be sent again to another ready replica. PURE.
 *
 * Only when the request provably never reached the replica: undici reported the failure before it started
 * writing the request (its onRequestStart never fired: the connect failed, or the pool was already closed),
 * and the failure is a transport one (a refused or unreachable replica), not our own deadline or a body limit.
 * A replica killed mid-request may already have run the function, so anything after the first byte is final.
 * The body must still be whole: a buffered one always is; a stream only while nobody has read from it.
 */
import type { Readable } from 'node:stream';

/** Transport failures that, before the request started, mean "this replica is not there". */
const CONNECT_FAILURES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * How long a replica that refused a connection stays out of rotation. The Docker provider drops a dead
 * replica on its `die` event well within this; the hold ends earlier if the replica leaves the endpoints.
 */
export const UNREACHABLE_HOLD_MS = 5_000;

/** Retries per invocation: one other replica, so a dead replica costs a request one extra connect at most. */
export const MAX_UPSTREAM_RETRIES = 1;

export interface RetryInput {
  /** undici called onRequestStart: writing may have begun, so the replica may have seen the request. */
  readonly requestStarted: boolean;
  readonly error: unknown;
  readonly body: Readable | Buffer | null;
  /** Retries already made for this invocation. */
  readonly retries: number;
}

/** The error's transport code when it is one that marks the replica unreachable, else undefined. */
export function connectFailureCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECT_FAILURES.has(code) ? code : undefined;
}

/** Whether the body can be sent again as it was: buffered, absent, or a stream nobody has read from yet. */
export function isBodyReplayable(body: Readable | Buffer | null): boolean {
  if (body === null || Buffer.isBuffer(body)) return true;
  return !body.destroyed && !body.readableDidRead && !body.readableEnded;
}

export function shouldRetryElsewhere(input: RetryInput): boolean {
  if (input.requestStarted || input.retries >= MAX_UPSTREAM_RETRIES) return false;
  if (connectFailureCode(input.error) === undefined) return false;
  return isBodyReplayable(input.body);
}
