/**
 * What the worker writes back into Redis, read by the gateway's `GET /system/async/<callId>`.
 * The gateway mirrors these shapes in gateway/src/async/job-record.ts (lenient parse); they belong in
 * core/contracts.ts once the two sides settle, so keep the field names in sync.
 */
import { z } from 'zod';

/** Response bodies kept in a job record are cut here; the callback job carries the full body. */
export const RECORDED_BODY_LIMIT_BYTES = 16 * 1024;

/** Response headers worth keeping in the record (the rest is noise for a dead-letter inspection). */
const RECORDED_HEADERS = ['content-type', 'content-length', 'retry-after', 'x-duration-seconds', 'x-openfaas-internal'];

/** The function's last response as stored on the job: `returnvalue.response` on success, `data.lastResponse` on failure. */
export interface RecordedResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** Base64 of at most RECORDED_BODY_LIMIT_BYTES bytes. */
  body: string;
  bodyTruncated: boolean;
  /** Set instead of a status when the gateway could not be reached (undici error code). */
  error?: string;
}

/** BullMQ `returnvalue` of a completed request job. */
export interface InvocationResult {
  function: string;
  statusCode: number;
  attempts: number;
  durationMs: number;
  response: RecordedResponse;
  callback: 'none' | 'queued';
}

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

/** BullMQ `returnvalue` of a delivered callback job. */
export interface CallbackResult {
  statusCode: number;
  attempts: number;
}
