/**
 * The gateway's one error mapping: undici, Fastify and stream failures become FuntainerErrors here and
 * nowhere else, and every platform-made error response (raw node:http or Fastify) is written by these helpers,
 * so clients always get `{code,message,statusCode,callId}` plus `X-OpenFaaS-Internal: gateway`.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { FuntainerError, toFuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import { isUpstreamTimeout } from '@funtainer/core/proxy/call-abort';

/** Raised by the request-body limiter when a chunked body grows past max_body_bytes. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Fastify's router limit for one path parameter (its default); longer segments never name anything. */
export const MAX_PARAM_LENGTH = 100;

/**
 * Maps a failure of the upstream call. `timeoutLimit` names the limit in force (function vs gateway).
 * `requestSent` (when known) goes into an unreachable-replica body, so a caller can tell a request the replica
 * never got (safe to send again) from one it may have run.
 */
export function upstreamFailure(err: unknown, timeoutLimit: string, requestSent?: boolean): FuntainerError {
  if (err instanceof FuntainerError) return err;
  if (err instanceof BodyTooLargeError) {
    return new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE', err.message, { details: { limitBytes: err.limitBytes } });
  }
  if (isUpstreamTimeout(err)) {
    return new FuntainerError('FUNTAINER_ERR_UPSTREAM_TIMEOUT', `the function did not answer within the ${timeoutLimit}`, {
      details: { limit: timeoutLimit },
    });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
    return new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'request body length does not match Content-Length');
  }
  // ECONNREFUSED, ECONNRESET, EHOSTUNREACH, UND_ERR_SOCKET, UND_ERR_CONNECT_TIMEOUT, UND_ERR_CLOSED, …:
  // the replica could not be reached or dropped the connection. The raw message stays in the log only.
  return new FuntainerError('FUNTAINER_ERR_UPSTREAM_UNREACHABLE', undefined, { cause: err, ...(requestSent === undefined ? {} : { details: { requestSent } }) });
}

/** Maps an error thrown inside a Fastify route, hook or body parser. */
export function frameworkFailure(err: unknown): FuntainerError {
  if (err instanceof FuntainerError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e?.statusCode === 413) {
    return new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE');
  }
  if (e?.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    // No function, secret or namespace name can be this long (names are at most 63 characters).
    return new FuntainerError('FUNTAINER_ERR_URI_TOO_LONG', `a path segment is longer than ${MAX_PARAM_LENGTH} characters; names are at most 63`, { cause: err });
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 && typeof e.message === 'string') {
    return new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', e.message, { cause: err });
  }
  return toFuntainerError(err);
}

/** Headers every platform-made error carries, plus the ones its status needs. */
export function errorHeaders(err: FuntainerError, callId: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', [HEADERS.internal]: 'gateway' };
  if (callId !== undefined) headers[HEADERS.callId] = callId;
  if (err.statusCode === 401) headers['www-authenticate'] = 'Basic realm="Restricted"';
  if (err.statusCode === 429 || err.statusCode === 503) headers[HEADERS.retryAfter] = '1';
  return headers;
}

/** Writes an error on a raw response (the invocation fast path). No-op once headers went out. */
export function writeRawError(res: ServerResponse, err: FuntainerError, callId: string | undefined, closeConnection = false): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(err.toBody(callId));
  const headers = errorHeaders(err, callId);
  headers['content-length'] = String(Buffer.byteLength(body));
  // After an early 413 the unread body would otherwise be parsed as the next request on this connection.
  if (closeConnection) headers.connection = 'close';
  res.writeHead(err.statusCode, headers);
  res.end(body);
}

/** Sends an error through Fastify (system routes, async routes). */
export function sendFuntainerError(reply: FastifyReply, err: FuntainerError, callId?: string): FastifyReply {
  return reply.code(err.statusCode).headers(errorHeaders(err, callId)).send(err.toBody(callId));
}
