/**
 * Responses the watchdog produces itself rather than the function. They carry X-OpenFaaS-Internal so the gateway,
 * clients and dashboards can tell a platform 504/429 from the function's own answer.
 */
import type { ServerResponse } from 'node:http';
import { HEADERS } from '@funtainer/core/headers';

/** Marker values used by OpenFaaS (docs/openfaas-compat.md §2). */
export const INTERNAL_MARKER = Object.freeze({
  watchdog: 'of-watchdog',
  concurrencyLimiter: 'faas-middleware',
});

/** Answers with a platform error, or cuts the connection when the function already started its response. */
export function sendInternalError(res: ServerResponse, status: number, body = '', durationSeconds?: string): void {
  if (res.headersSent) {
    // A status line is already on the wire; destroying is the only way the client learns the body is incomplete.
    res.destroy();
    return;
  }
  const headers: Record<string, string> = {
    [HEADERS.internal]: INTERNAL_MARKER.watchdog,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (durationSeconds !== undefined) headers[HEADERS.durationSeconds] = durationSeconds;
  res.writeHead(status, headers);
  res.end(body);
}

/** The of-watchdog/faas-middleware answer past max_inflight, byte for byte. */
export function sendConcurrencyLimited(res: ServerResponse, maxInflight: number): void {
  const body = `Concurrent request limit exceeded. Max concurrent requests: ${maxInflight}`;
  res.writeHead(429, {
    [HEADERS.internal]: INTERNAL_MARKER.concurrencyLimiter,
    'content-type': 'text/plain',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/** `%f` seconds, as the Go watchdogs format X-Duration-Seconds. */
export function formatDurationSeconds(startedAt: number, now: number): string {
  return ((now - startedAt) / 1000).toFixed(6);
}
