import t from 'tap';
import { DelayedError, UnrecoverableError } from 'bullmq';
import type { QueueRequest } from '@funtainer/core/contracts';
import { RetryableInvocationError } from './errors.js';
import { createFunctionLimits } from './function-limits.js';
import type { InvokeResult } from './invoker.js';
import type { CallbackJob } from '@funtainer/core/async-records';
import { GatewayOutage } from './gateway-outage.js';
import { createRequestProcessor, type RequestJob } from './processor.js';
import type { RetrySettings } from './retry-policy.js';

const retry: RetrySettings = { attempts: 3, codes: [429, 503], minWaitMs: 100, maxWaitMs: 1000 };
const request: QueueRequest = {
  callId: 'call-1', function: 'echo', namespace: 'openfaas-fn', method: 'POST', path: '', query: '', headers: {},
  body: Buffer.from('hi').toString('base64'), callbackUrl: 'http://cb.example/hook', enqueuedAt: 0,
};

function fakeJob(attemptsMade = 0, data: unknown = request): RequestJob & { updates: unknown[]; delayedUntil?: number } {
  const job = {
    id: 'call-1', data, attemptsMade, opts: { attempts: 10 }, updates: [] as unknown[], delayedUntil: undefined as number | undefined,
    async updateData(d: unknown) { job.updates.push(d); },
    async moveToDelayed(ts: number) { job.delayedUntil = ts; },
  };
  return job as unknown as RequestJob & { updates: unknown[]; delayedUntil?: number };
}

function setup(results: InvokeResult[], maxPerFunction = 5, outage?: GatewayOutage) {
  const callbacks: CallbackJob[] = [];
  const metrics: string[] = [];
  const limits = createFunctionLimits(maxPerFunction);
  const processor = createRequestProcessor({
    invoker: { invoke: async () => results.shift() ?? { ok: false, errorCode: 'ECONNREFUSED' }, close: async () => {} },
    settings: { get: async () => ({ retry, invokeTimeoutMs: 1000 }) },
    limits,
    scheduleCallback: async (job) => void callbacks.push(job),
    metrics: { attempt: (fn, r) => metrics.push(`attempt ${fn} ${r}`), processed: (fn, o) => metrics.push(`${o} ${fn}`), topicDelivery: (topic, o) => metrics.push(`topic ${topic} ${o}`) },
    ...(outage ? { outage } : {}),
    now: () => 1_000,
    random: () => 1,
  });
  return { processor, callbacks, metrics, limits };
}
const ok = (statusCode: number, body = 'done', headers: Record<string, string> = { 'content-type': 'text/plain' }): InvokeResult => ({ ok: true, response: { statusCode, headers, body: Buffer.from(body) } });

t.test('2xx: returns the result and queues the callback with the response', async (t) => {
  const { processor, callbacks, metrics } = setup([ok(200, 'hello')]);
  const result = await processor(fakeJob(), 'token');
  t.match(result, { function: 'echo.openfaas-fn', statusCode: 200, attempts: 1, maxAttempts: 3, callback: 'queued', response: { statusCode: 200, body: Buffer.from('hello').toString('base64') } });
  t.match(callbacks, [{ callId: 'call-1', url: 'http://cb.example/hook', function: 'echo.openfaas-fn', statusCode: 200, contentType: 'text/plain', body: Buffer.from('hello').toString('base64') }]);
  t.same(metrics, ['attempt echo.openfaas-fn 200', 'succeeded echo.openfaas-fn']);
});

t.test('a topic event call counts its final outcome per topic; a retry does not', async (t) => {
  const topicRequest = { ...request, topic: { name: 'orders', eventId: 'e1' } };
  const { processor, metrics } = setup([ok(503), ok(200), ok(400)]);
  await t.rejects(processor(fakeJob(0, topicRequest), 'token'), RetryableInvocationError);
  await processor(fakeJob(1, topicRequest), 'token');
  await t.rejects(processor(fakeJob(0, topicRequest), 'token'), UnrecoverableError);
  t.same(metrics.filter((m) => m.startsWith('topic')), ['topic orders succeeded', 'topic orders failed']);
});

t.test('retryable status: records the response, throws with the computed delay, no callback yet', async (t) => {
  const { processor, callbacks } = setup([ok(503, 'busy', { 'retry-after': '2' })]);
  const job = fakeJob(0);
  const err = await processor(job, 'token').catch((e: unknown) => e);
  t.type(err, RetryableInvocationError);
  t.equal((err as RetryableInvocationError).delayMs, 2000, 'Retry-After beats the 100 ms backoff');
  t.match(job.updates, [{ callId: 'call-1', lastResponse: { statusCode: 503 }, maxAttempts: 3 }], 'the policy applied, not the job ceiling 10');
  t.equal(callbacks.length, 0);
});

t.test('final status: UnrecoverableError, response recorded, callback carries the failure', async (t) => {
  const { processor, callbacks } = setup([ok(400, 'bad input')]);
  const job = fakeJob();
  await t.rejects(processor(job, 'token'), UnrecoverableError);
  t.match(job.updates, [{ lastResponse: { statusCode: 400 }, maxAttempts: 3 }]);
  t.match(callbacks, [{ statusCode: 400, body: Buffer.from('bad input').toString('base64') }]);
});

t.test('last attempt of a retryable status gives up (min of function attempts and job ceiling)', async (t) => {
  const { processor, callbacks } = setup([ok(503)]);
  await t.rejects(processor(fakeJob(2), 'token'), UnrecoverableError);
  t.equal(callbacks.length, 1);
});

t.test('gateway unreachable is retried and reported as 503 when final', async (t) => {
  const first = setup([{ ok: false, errorCode: 'ECONNREFUSED' }]);
  await t.rejects(first.processor(fakeJob(0), 'token'), RetryableInvocationError);
  const last = setup([{ ok: false, errorCode: 'UND_ERR_HEADERS_TIMEOUT' }]);
  const job = fakeJob(2);
  await t.rejects(last.processor(job, 'token'), UnrecoverableError);
  t.match(job.updates, [{ lastResponse: { statusCode: 503, error: 'UND_ERR_HEADERS_TIMEOUT' } }]);
  t.match(last.callbacks, [{ statusCode: 503, body: '' }]);
});

t.test('no callback URL: nothing queued', async (t) => {
  const { processor, callbacks } = setup([ok(200)]);
  const result = await processor(fakeJob(0, { ...request, callbackUrl: undefined }), 'token');
  t.equal(result.callback, 'none');
  t.equal(callbacks.length, 0);
});

t.test('invalid job data is unrecoverable', async (t) => {
  const { processor } = setup([]);
  await t.rejects(processor(fakeJob(0, { nope: true }), 'token'), UnrecoverableError);
});

t.test('a function at its bound is parked (delayed) without invoking', async (t) => {
  const { processor, limits, metrics } = setup([ok(200)], 1);
  const release = limits.tryAcquire('echo.openfaas-fn');
  const job = fakeJob();
  await t.rejects(processor(job, 'token'), DelayedError);
  t.ok(job.delayedUntil !== undefined && job.delayedUntil > 1_000, 'moved to delayed in the future');
  t.same(metrics, [], 'no attempt made');
  release?.();
  await processor(fakeJob(), 'token');
  t.equal(limits.running('echo.openfaas-fn'), 0, 'slot released after the attempt');
});

t.test('a gateway that refused the connection defers the call without spending an attempt; logged once each way', async (t) => {
  const lines: string[] = [];
  const log = { warn: (_f: object, m: string) => void lines.push(m), info: (_f: object, m: string) => void lines.push(m) };
  let clock = 1_000;
  const outage = new GatewayOutage({ log, maxOutageMs: 60_000, now: () => clock });
  const s = setup([{ ok: false, errorCode: 'ECONNREFUSED' }, { ok: false, errorCode: 'ECONNREFUSED' }, ok(200)], 5, outage);
  const job = fakeJob(4); // the last attempt of 5: a refused connection must not end it
  await t.rejects(s.processor(job, 'token'), DelayedError);
  t.ok(job.delayedUntil !== undefined, 'moved to delayed, attempts untouched');
  t.match(job.updates, [{ deferredSince: 1_000 }], 'the first deferral is recorded on the job');
  await t.rejects(s.processor(fakeJob(4, { ...request, deferredSince: 1_000 }), 'token'), DelayedError);
  t.equal(s.callbacks.length, 0, 'no callback for a call that never ran');
  const done = await s.processor(fakeJob(4), 'token');
  t.equal(done.statusCode, 200);
  t.same(lines, ['gateway unreachable: deferring async calls without using their retries', 'gateway reachable again; deferred async calls resume']);
  t.notOk(s.metrics.some((m) => m.startsWith('failed') || m.startsWith('retried')), 'nothing counted as a failed attempt');

  // An outage longer than maxOutageMs: attempts count again, so the call still ends.
  clock = 1_000;
  const long = setup([{ ok: false, errorCode: 'ECONNREFUSED' }], 5, new GatewayOutage({ log, maxOutageMs: 10, now: () => (clock += 100) }));
  await t.rejects(long.processor(fakeJob(4, { ...request, deferredSince: 0 }), 'token'), UnrecoverableError);
});

t.test('errors after the request may have reached the gateway still count as attempts', async (t) => {
  const outage = new GatewayOutage({ log: { warn: () => {}, info: () => {} }, maxOutageMs: 60_000 });
  const s = setup([{ ok: false, errorCode: 'ECONNRESET' }], 5, outage);
  await t.rejects(s.processor(fakeJob(0), 'token'), RetryableInvocationError);
  t.notOk(outage.active);
});
