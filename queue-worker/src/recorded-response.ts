/**
 * The function's response as the worker records it in the job for `GET /system/async/<callId>` (the record
 * shapes, and the rest of the async wire contract, live in core/async-records.ts and core/async-queue.ts).
 */
import type { RecordedResponse } from '@funtainer/core/async-records';

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
