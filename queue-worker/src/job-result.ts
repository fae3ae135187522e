/**
 * What the worker writes back into Redis, read by the gateway's `GET /system/async/<callId>`. The record shapes
 * themselves live in core/async-records.ts, shared with the gateway.
 */
import { z } from 'zod';
import type { RecordedResponse } from '@funtainer/core/async-records';

export type { CallbackResult, InvocationResult, RecordedResponse } from '@funtainer/core/async-records';

/** Response bodies kept in a job record are cut here; the callback job carries the full body. */
export const RECORDED_BODY_LIMIT_BYTES = 16 * 1024;

/** Response headers worth keeping in the record (the rest is noise for a dead-letter inspection). */
const RECORDED_HEADERS = ['content-type', 'content-length', 'retry-after', 'x-duration-seconds', 'x-openfaas-internal'];

export function recordResponse(statusCode: number, headers: Record<string, string>, body: Buffer, error?: string): RecordedResponse {
  const kept: Record<string, string> = {};
  for (const name of RECORDED_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = value;
  }
  const truncated = body.length > RECORDED_BODY_LIMIT_BYTES;
  return {
    statusCode,
    headers: kept,
    body: (truncated ? body.subarray(0, RECORDED_BODY_LIMIT_BYTES) : body).toString('base64'),
    bodyTruncated: truncated,
    ...(error ? { error } : {}),
  };
}

/** Data of a job in the callback queue (job id = call id, so a re-run never posts twice). */
export const CallbackJobSchema = z.object({
  callId: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
  function: z.string().min(1),
  statusCode: z.number().int(),
  contentType: z.string().optional(),
  /** Full function response body, base64. */
  body: z.string(),
  durationSeconds: z.number().nonnegative(),
});
export type CallbackJob = z.output<typeof CallbackJobSchema>;
