/**
 * The request-queue processor: one BullMQ job = one attempt at invoking a function through the gateway.
 * Order: parse job data → per-function slot (or park) → settings → invoke → retry decision → callback job.
 * The callback is a separate job (callback.ts) so a failing receiver never re-runs the function.
 */
import { DelayedError, type Job } from 'bullmq';
import { QueueRequestSchema, type QueueRequest } from '@funtainer/core/contracts';
import { HEADERS } from '@funtainer/core/headers';
import { FinalInvocationError, InvalidJobError, RetryableInvocationError } from './errors.js';
import { parkDelayMs, type FunctionLimits } from './function-limits.js';
import { requestNeverSent, type GatewayOutage } from './gateway-outage.js';
import type { FunctionSettingsSource } from './function-settings.js';
import type { InvokeResult, Invoker } from './invoker.js';
import type { CallbackJob, InvocationResult, RecordedResponse, RequestJobProgress } from '@funtainer/core/async-records';
import { recordResponse } from './recorded-response.js';
import { decideRetry, type AttemptOutcome } from './retry-policy.js';
import { scheduledTick, type TickRecorder } from './scheduled-tick.js';

/** The slice of a BullMQ Job the processor uses, so tests can pass a plain object. */
export type RequestJob = Pick<Job, 'id' | 'data' | 'attemptsMade' | 'opts' | 'moveToDelayed' | 'updateData'>;

export interface ProcessorMetrics {
  /** One per invocation attempt; `result` is the status code or a network error code. */
  attempt(fn: string, result: string): void;
  processed(fn: string, outcome: 'succeeded' | 'failed' | 'retried'): void;
  /** The final outcome of a topic event's call (QueueRequest.topic), per topic. */
  topicDelivery(topic: string, outcome: 'succeeded' | 'failed'): void;
}

export interface ProcessorDeps {
  readonly invoker: Invoker;
  readonly settings: FunctionSettingsSource;
  readonly limits: FunctionLimits;
  readonly scheduleCallback: (job: CallbackJob) => Promise<void>;
  readonly metrics: ProcessorMetrics;
  /** Defers calls that never reached an unreachable gateway instead of spending their retries. */
  readonly outage?: GatewayOutage;
  /** Records the latest tick of a cron schedule (scheduled-tick.ts); ticks run without it too. */
  readonly recordTick?: TickRecorder;
  readonly now?: () => number;
  readonly random?: () => number;
}

export function createRequestProcessor(deps: ProcessorDeps): (job: RequestJob, token?: string) => Promise<InvocationResult> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;

  return async function processRequest(job, token) {
    const parsed = QueueRequestSchema.safeParse(job.data);
    if (!parsed.success) throw new InvalidJobError(`job ${job.id} does not hold a valid QueueRequest`);
    const tick = scheduledTick(job.id, parsed.data);
    const request = tick?.request ?? parsed.data;
    if (tick && job.attemptsMade === 0) await deps.recordTick?.(tick);
    const fn = `${request.function}.${request.namespace}`;

    const release = deps.limits.tryAcquire(fn);
    if (!release) {
      await job.moveToDelayed(now() + parkDelayMs(random), token);
      throw new DelayedError();
    }
    try {
      const settings = await deps.settings.get(request.function, request.namespace);
      const startedAt = now();
      const result = await deps.invoker.invoke(request, settings.invokeTimeoutMs, settings.invokeAuthorization);
      if (result.ok) deps.outage?.reachable();
      else if (deps.outage && requestNeverSent(result.errorCode)) {
        const deferredSince = (job.data as RequestJobProgress).deferredSince;
        const delayMs = deps.outage.deferral(result.errorCode, deferredSince);
        if (delayMs !== undefined) {
          deps.metrics.attempt(fn, 'deferred');
          if (deferredSince === undefined) await job.updateData({ ...job.data, ...({ deferredSince: now() } satisfies RequestJobProgress) });
          await job.moveToDelayed(now() + delayMs, token);
          throw new DelayedError();
        }
      }
      const durationMs = now() - startedAt;
      const attemptNumber = job.attemptsMade + 1;
      const maxAttempts = Math.min(settings.retry.attempts, job.opts.attempts ?? 1);
      const outcome = toOutcome(result);
      deps.metrics.attempt(fn, outcome.kind === 'response' ? String(outcome.statusCode) : outcome.code);
      const decision = decideRetry(outcome, attemptNumber, maxAttempts, settings.retry, now(), random);
      const recorded = toRecordedResponse(result);

      // maxAttempts is recorded with every outcome: the job's own `attempts` is only the gateway's ceiling, and
      // the status API shows what this policy applied.
      if (decision.kind === 'retry') {
        await job.updateData({ ...job.data, ...({ lastResponse: recorded, maxAttempts } satisfies RequestJobProgress) });
        deps.metrics.processed(fn, 'retried');
        throw new RetryableInvocationError(`${describe(outcome)}; retrying in ${decision.delayMs}ms`, decision.delayMs);
      }
      const callback = await maybeScheduleCallback(deps, request, fn, result, durationMs);
      if (decision.kind === 'give-up') {
        await job.updateData({ ...job.data, ...({ lastResponse: recorded, maxAttempts } satisfies RequestJobProgress) });
        deps.metrics.processed(fn, 'failed');
        if (request.topic) deps.metrics.topicDelivery(request.topic.name, 'failed');
        throw new FinalInvocationError(`${describe(outcome)}; ${decision.reason === 'final-status' ? 'not retryable' : `gave up after ${attemptNumber} attempts`}`);
      }
      deps.metrics.processed(fn, 'succeeded');
      if (request.topic) deps.metrics.topicDelivery(request.topic.name, 'succeeded');
      return { function: fn, statusCode: recorded.statusCode, attempts: attemptNumber, maxAttempts, durationMs, response: recorded, callback };
    } finally {
      release();
    }
  };
}

function toOutcome(result: InvokeResult): AttemptOutcome {
  if (!result.ok) return { kind: 'network-error', code: result.errorCode };
  return { kind: 'response', statusCode: result.response.statusCode, retryAfter: result.response.headers[HEADERS.retryAfter] };
}

/** A gateway that cannot be reached is reported as 503, as the OpenFaaS worker does. */
function toRecordedResponse(result: InvokeResult): RecordedResponse {
  if (!result.ok) return recordResponse(503, {}, Buffer.alloc(0), result.errorCode);
  return recordResponse(result.response.statusCode, result.response.headers, result.response.body);
}

function describe(outcome: AttemptOutcome): string {
  return outcome.kind === 'response' ? `function answered ${outcome.statusCode}` : `gateway unreachable (${outcome.code})`;
}

/** Called only for a final outcome (success or give-up), so the receiver hears about each call once. */
async function maybeScheduleCallback(deps: ProcessorDeps, request: QueueRequest, fn: string, result: InvokeResult, durationMs: number): Promise<'none' | 'queued'> {
  if (!request.callbackUrl) return 'none';
  await deps.scheduleCallback({
    callId: request.callId,
    url: request.callbackUrl,
    function: fn,
    statusCode: result.ok ? result.response.statusCode : 503,
    contentType: result.ok ? result.response.headers['content-type'] : undefined,
    body: result.ok ? result.response.body.toString('base64') : '',
    durationSeconds: durationMs / 1000,
  });
  return 'queued';
}
