/**
 * PURE pieces of the async enqueue path: call-id validation, callback-URL validation and the header filter that
 * decides what is stored in Redis with the job (job data is clear text, so credentials never go in).
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_CALLBACK_POLICY, checkCallbackHost, type CallbackPolicy } from '@funtainer/core/callback-policy';
import { FuntainerError } from '@funtainer/core/errors';
import { HEADERS, HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';

/**
 * Credentials and cookies are never stored in the queue (BullMQ keeps job data in clear text): the gateway's own
 * basic auth (Authorization, checked at submit time for private functions), proxy credentials, session cookies
 * and API keys. The function therefore never sees them on an async call; it sees every other header.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
/** Recomputed when the worker replays the request, or carried in the job's own fields. */
const RECOMPUTED_HEADERS = new Set(['host', 'content-length', 'expect', HEADERS.callbackUrl, HEADERS.callId, HEADERS.startTime]);

const CALL_ID = /^[A-Za-z0-9._~-]{1,128}$/;

/**
 * A client-chosen call id becomes the BullMQ job id, which must not contain ":" and must not be all digits
 * (BullMQ reserves integer ids for its own counter). We also keep it URL-path safe so
 * `GET /system/async/<callId>` works without escaping.
 */
export function isValidCallId(value: string): boolean {
  return CALL_ID.test(value) && !/^\d+$/.test(value);
}

/** The client's X-Call-Id when valid (so retries of the same POST dedupe), else a fresh UUID. */
export function chooseCallId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && isValidCallId(value) ? value : randomUUID();
}

/**
 * Validates X-Callback-Url: absolute http(s) URL, else 400; a host the callback policy refuses (metadata,
 * link-local, and by default loopback/private/internal names) is a 400 CALLBACK_URL_DENIED. The worker checks
 * the resolved address again when it connects.
 */
export function parseCallbackUrl(header: string | string[] | undefined, policy: CallbackPolicy = DEFAULT_CALLBACK_POLICY): string | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'X-Callback-Url must be an absolute http or https URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'X-Callback-Url must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'X-Callback-Url must be an absolute http or https URL');
  }
  const verdict = checkCallbackHost(url.hostname, policy);
  if (!verdict.allowed) {
    throw new FuntainerError('FUNTAINER_ERR_CALLBACK_URL_DENIED', `X-Callback-Url host ${url.hostname} is not allowed by the callback policy (${verdict.reason})`, {
      details: { header: 'X-Callback-Url', reason: verdict.reason },
    });
  }
  return url.toString();
}

/** Request headers to store with the job, plus X-Call-Id and X-Start-Time as the OpenFaaS gateway adds them. */
export function headersToStore(
  headers: Record<string, string | string[] | undefined>,
  callId: string,
  startTimeNs: string,
): Record<string, string | string[]> {
  const stored: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || CREDENTIAL_HEADERS.has(lower) || HOP_BY_HOP_HEADERS.has(lower) || RECOMPUTED_HEADERS.has(lower)) continue;
    stored[lower] = value;
  }
  stored[HEADERS.callId] = callId;
  stored[HEADERS.startTime] = startTimeNs;
  return stored;
}

/** Unix time in nanoseconds, the X-Start-Time unit OpenFaaS uses. */
export function startTimeNs(nowMs: number): string {
  return (BigInt(nowMs) * 1_000_000n).toString();
}

/** Splits the raw URL's query string off (kept verbatim: the function sees what the client sent). */
export function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}
