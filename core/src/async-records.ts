/**
 * What the queue-worker writes back into Redis for an async call and the gateway reads for
 * `GET /system/async/<callId>`: one definition for both sides. Parsing is lenient on the optional parts
 * (`.catch`) because a record is inspected long after it was written, possibly by a newer gateway.
 */
import { z } from 'zod';

/** The function's last response as stored on the job: `returnvalue.response` on success, `data.lastResponse` on failure. */
export const RecordedResponseSchema = z.object({
  statusCode: z.number(),
  headers: z.record(z.string(), z.string()).catch({}),
  /** Base64 of at most the recorded body limit. */
  body: z.string().catch(''),
  bodyTruncated: z.boolean().catch(false),
  /** Set instead of a status when the gateway could not be reached (undici error code). */
  error: z.string().optional(),
});
export type RecordedResponse = z.output<typeof RecordedResponseSchema>;

/** BullMQ `returnvalue` of a completed request job. */
export const InvocationResultSchema = z.object({
  function: z.string().catch(''),
  statusCode: z.number(),
  attempts: z.number().catch(0),
  durationMs: z.number().catch(0),
  response: RecordedResponseSchema,
  callback: z.enum(['none', 'queued']).catch('none'),
  /** The attempts the worker's retry policy allowed this call (label or worker default, under the job's ceiling). */
  maxAttempts: z.number().optional().catch(undefined),
});
export type InvocationResult = z.output<typeof InvocationResultSchema>;

/**
 * What the worker adds to a request job's data between attempts (`job.updateData`): the last response and the
 * retry policy's limit after each finished attempt, and when a gateway outage first deferred the call.
 */
export interface RequestJobProgress {
  readonly lastResponse?: RecordedResponse;
  readonly maxAttempts?: number;
  /** Epoch milliseconds; the outage allowance (gateway_outage_max_wait) runs from here. */
  readonly deferredSince?: number;
}

/**
 * A request job's data as the gateway reads it for status: the enqueued QueueRequest (core/contracts.ts) plus
 * RequestJobProgress. Lenient, so a job written by an older gateway or worker still yields a status.
 */
export const RequestJobDataSchema = z.object({
  function: z.string().catch(''),
  namespace: z.string().catch(''),
  callbackUrl: z.string().optional(),
  enqueuedAt: z.number().optional(),
  lastResponse: RecordedResponseSchema.optional(),
  maxAttempts: z.number().optional().catch(undefined),
  deferredSince: z.number().optional().catch(undefined),
});
export type RequestJobData = z.output<typeof RequestJobDataSchema>;

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
export const CallbackResultSchema = z.object({
  statusCode: z.number(),
  attempts: z.number().catch(0),
});
export type CallbackResult = z.output<typeof CallbackResultSchema>;

/**
 * What the gateway keeps for a cancelled call (the job itself is removed so no worker can pick it up): one
 * record per call id, listed newest first and trimmed by age and count like finished jobs.
 */
export const CancelledRecordSchema = z.object({
  /** `name.namespace`. */
  function: z.string(),
  enqueuedAt: z.number(),
  /** Epoch milliseconds; the list's order and the age trimming go by it. */
  cancelledAt: z.number(),
  attempts: z.number().catch(0),
  /** Known only when the worker had applied the retry policy (cancelled between retries). */
  maxAttempts: z.number().optional().catch(undefined),
  /** Credentials redacted (redactUrlCredentials): a cancelled call is never delivered. */
  callbackUrl: z.string().optional(),
});
export type CancelledRecord = z.output<typeof CancelledRecordSchema>;

const URL_USERINFO = /\b(https?:\/\/)[^\s/?#@]+@/gi;

/**
 * `https://user:pass@host/x` → `https://***@host/x`, anywhere in a text. A callback URL's userinfo is kept in the
 * job because delivery needs it; everything that shows a URL (status API, logs, cancelled records) shows this.
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}
