/**
 * Invokes a function through the gateway's `/function/<name>` route, so scale-from-zero, per-function limits and
 * invocation metrics apply to async calls exactly as to sync ones. No retries here: retry lives in BullMQ.
 */
import { Pool } from 'undici';
import type { QueueRequest } from '@funtainer/core/contracts';
import { HEADERS, HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';
import { networkErrorCode } from './errors.js';

export interface InvokeResponse {
  readonly statusCode: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export type InvokeResult = { readonly ok: true; readonly response: InvokeResponse } | { readonly ok: false; readonly errorCode: string };

export interface Invoker {
  invoke(request: QueueRequest, timeoutMs: number, authorization?: string): Promise<InvokeResult>;
  close(): Promise<void>;
}

/** Request headers recomputed by the HTTP client or meaningless on a new connection. */
const NOT_FORWARDED = new Set([...HOP_BY_HOP_HEADERS, 'host', 'content-length', 'expect']);
const USER_AGENT = 'funtainer/queue-worker';

export function createGatewayInvoker(gatewayUrl: string, connections: number): Invoker {
  // One keep-alive pool to the gateway sized to the worker's concurrency: every in-flight job has a socket.
  const pool = new Pool(gatewayUrl, { connections, pipelining: 1 });
  return {
    async invoke(request, timeoutMs, authorization) {
      try {
        const { statusCode, headers, body } = await pool.request({
          method: request.method as 'POST',
          path: invocationPath(request),
          headers: authorization ? { ...forwardedHeaders(request), authorization } : forwardedHeaders(request),
          body: request.body.length > 0 ? Buffer.from(request.body, 'base64') : null,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const bytes = Buffer.from(await body.arrayBuffer());
        return { ok: true, response: { statusCode, headers: flattenHeaders(headers), body: bytes } };
      } catch (err) {
        return { ok: false, errorCode: networkErrorCode(err) };
      }
    },
    close: () => pool.close(),
  };
}

/** `/function/<name>.<namespace><path>?<query>`: the path the client used after `/async-function/<name>`. */
export function invocationPath(request: QueueRequest): string {
  const path = request.path === '' || request.path.startsWith('/') ? request.path : `/${request.path}`;
  const query = request.query ? `?${request.query}` : '';
  return `/function/${request.function}.${request.namespace}${path}${query}`;
}

export function forwardedHeaders(request: QueueRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!NOT_FORWARDED.has(lower)) out[lower] = value;
  }
  out[HEADERS.callId] = request.callId;
  out['user-agent'] ??= USER_AGENT;
  return out;
}

export function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
