/**
 * Pure header rewriting for the invocation proxy, both directions: drop hop-by-hop headers (RFC 9110 §7.6.1,
 * including any named in `Connection`), add the call id, start time and X-Forwarded-* as OpenFaaS does.
 * Works on node's flat `rawHeaders` so the hot path never materialises `req.headers`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { HEADERS, HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';

/**
 * Request headers undici must not receive: `host` (set from the replica's origin; the client's goes into
 * X-Forwarded-Host) and `expect` (node answers 100-continue itself; undici rejects the header).
 */
const DROPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'host', 'expect']);

export interface UpstreamRequestHeaders {
  /** Flat `[name, value, name, value, …]` list as undici accepts it. */
  readonly headers: string[];
  readonly callId: string;
  /** Declared Content-Length, or -1 when absent. */
  readonly contentLength: number;
  /** The client sent `Transfer-Encoding` (a body of unknown length follows). */
  readonly chunked: boolean;
}

/** Builds the headers sent to the replica. `newCallId` is only called when the client sent no X-Call-Id. */
export function buildUpstreamRequestHeaders(
  rawHeaders: readonly string[],
  remoteAddress: string | undefined,
  startTimeNs: string,
  newCallId: () => string,
  /** Private functions: the gateway's own credentials were checked and must not reach the function. */
  dropAuthorization = false,
): UpstreamRequestHeaders {
  const headers: string[] = [];
  let callId: string | undefined;
  let host: string | undefined;
  let hasForwardedFor = false;
  let hasForwardedHost = false;
  let connectionTokens: string | undefined;
  let contentLength = -1;
  let chunked = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    if (DROPPED_REQUEST_HEADERS.has(lower)) {
      if (lower === 'host') host = value;
      else if (lower === 'connection') connectionTokens = value;
      else if (lower === 'transfer-encoding') chunked = true;
      continue;
    }
    if (dropAuthorization && lower === 'authorization') continue;
    // The gateway sets X-Start-Time itself (as OpenFaaS does); a caller's (e.g. an async replay) is not kept beside it.
    if (lower === HEADERS.startTime) continue;
    if (lower === HEADERS.callId) {
      if (callId !== undefined) continue; // keep one call id
      callId = value;
    } else if (lower === HEADERS.forwardedFor) hasForwardedFor = true;
    else if (lower === HEADERS.forwardedHost) hasForwardedHost = true;
    else if (lower === 'content-length') contentLength = Number(value);
    headers.push(name, value);
  }
  if (connectionTokens !== undefined) removeConnectionListed(headers, connectionTokens);
  if (callId === undefined) {
    callId = newCallId();
    headers.push(HEADERS.callId, callId);
  }
  headers.push(HEADERS.startTime, startTimeNs);
  if (!hasForwardedFor && remoteAddress !== undefined) headers.push(HEADERS.forwardedFor, remoteAddress);
  if (!hasForwardedHost && host !== undefined) headers.push(HEADERS.forwardedHost, host);
  return { headers, callId, contentLength, chunked };
}

/** `Connection: close, x-foo` makes `x-foo` hop-by-hop too. Rare, so the slow path is fine. */
function removeConnectionListed(headers: string[], tokens: string): void {
  const listed = new Set(tokens.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '' && t !== 'close' && t !== 'keep-alive'));
  if (listed.size === 0) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (listed.has((headers[i] as string).toLowerCase())) headers.splice(i, 2);
  }
}

/**
 * Response headers for the client: the replica's headers minus hop-by-hop ones, plus call id, start time and
 * duration (the replica's own X-Duration-Seconds, when it sent one, is kept: it measures the function alone).
 */
export function buildClientResponseHeaders(
  upstream: IncomingHttpHeaders,
  callId: string,
  startTimeNs: string,
  durationSeconds: number,
  closeConnection: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let connectionTokens: string | undefined;
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP_HEADERS.has(name)) {
      if (name === 'connection' && typeof value === 'string') connectionTokens = value;
      continue;
    }
    out[name] = value;
  }
  if (connectionTokens !== undefined) {
    for (const token of connectionTokens.split(',')) delete out[token.trim().toLowerCase()];
  }
  out[HEADERS.callId] = callId;
  out[HEADERS.startTime] = startTimeNs;
  if (out[HEADERS.durationSeconds] === undefined) out[HEADERS.durationSeconds] = durationSeconds.toFixed(6);
  if (closeConnection) out.connection = 'close';
  return out;
}
