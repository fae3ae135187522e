import t from 'tap';
import type { QueueRequest } from '@funtainer/core/contracts';
import { createRequestProcessor, type RequestJob } from './processor.js';
import { createFunctionLimits } from './function-limits.js';
import { scheduledTick, type ScheduledTick } from './scheduled-tick.js';

const template: QueueRequest = {
  callId: 'nightly.openfaas-fn', function: 'nightly', namespace: 'openfaas-fn', method: 'POST', path: '', query: '',
  headers: { 'x-connector': 'cron-connector', 'x-funtainer-schedule': '0 3 * * *' }, body: '', enqueuedAt: 5,
};
const TICK = Date.UTC(2026, 0, 1, 3, 0, 0);

t.test('a tick job becomes one call: its id, its tick header and enqueue time', async (t) => {
  const tick = scheduledTick(`repeat:nightly.openfaas-fn:${TICK}`, template);
  t.same(tick?.run, { callId: `repeat:nightly.openfaas-fn:${TICK}`, tick: TICK });
  t.equal(tick?.schedulerId, 'nightly.openfaas-fn');
  t.match(tick?.request, { callId: `repeat:nightly.openfaas-fn:${TICK}`, enqueuedAt: TICK, headers: { 'x-connector': 'cron-connector', 'x-funtainer-schedule': '0 3 * * *', 'x-funtainer-tick': '2026-01-01T03:00:00.000Z' } });
  t.equal(template.headers['x-funtainer-tick'], undefined, 'the template is not changed');
  t.equal(scheduledTick('b3f7-call', template), undefined, 'an ordinary async call is not a tick');
});

t.test('the processor invokes a tick with its own headers and records it on the first attempt only', async (t) => {
  const invoked: QueueRequest[] = [];
  const recorded: ScheduledTick[] = [];
  const processor = createRequestProcessor({
    invoker: { invoke: async (req) => (invoked.push(req), { ok: true, response: { statusCode: 200, headers: {}, body: Buffer.from('ok') } }), close: async () => {} },
    settings: { get: async () => ({ retry: { attempts: 3, codes: [503], minWaitMs: 1, maxWaitMs: 1 }, invokeTimeoutMs: 1000 }) },
    limits: createFunctionLimits(5),
    scheduleCallback: async () => {},
    metrics: { attempt: () => {}, processed: () => {}, topicDelivery: () => {} },
    recordTick: async (tick) => void recorded.push(tick),
  });
  const job = (attemptsMade: number) =>
    ({ id: `repeat:nightly.openfaas-fn:${TICK}`, data: template, attemptsMade, opts: { attempts: 10 }, updateData: async () => {}, moveToDelayed: async () => {} }) as unknown as RequestJob;
  await processor(job(0), 'token');
  await processor(job(1), 'token');
  t.equal(invoked.length, 2);
  t.equal(invoked[0]?.callId, `repeat:nightly.openfaas-fn:${TICK}`);
  t.equal(invoked[0]?.headers['x-funtainer-tick'], '2026-01-01T03:00:00.000Z');
  t.equal(recorded.length, 1, 'a retry of the same tick is not a new run');
});
