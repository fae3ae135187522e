/**
 * The behaviour every RequestQueuer must show, run against the memory fake (unit) and BullMQ on real Redis
 * (test/async-queuer-contract.test.ts). A QueueDriver plays the worker so calls can be moved between states.
 * Each case gets a fresh queuer (unique queue) and tears it down.
 */
import type { Test } from 'tap';
import type { QueueRequest } from '@funtainer/core/contracts';
import type { QueueDriver } from '../testing/memory-queuer.js';
import type { RequestQueuer, Retention } from './request-queuer.js';

/** What a case may ask of a fresh queuer; implementations map it onto their own options. */
export interface ContractOptions {
  /** Cancelled-call retention (age in seconds). */
  readonly keepCancelled?: Retention;
}

export interface QueuerUnderTest {
  readonly queuer: RequestQueuer;
  readonly driver: QueueDriver;
  teardown(): Promise<void>;
}

const response = (statusCode: number) => ({ statusCode, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`status ${statusCode}`).toString('base64'), bodyTruncated: false });

export function queueRequest(callId: string, fn = 'echo', extra: Partial<QueueRequest> = {}): QueueRequest {
  return { callId, function: fn, namespace: 'openfaas-fn', method: 'POST', path: '', query: '', headers: { 'content-type': 'text/plain' }, body: Buffer.from('hi').toString('base64'), enqueuedAt: Date.now(), ...extra };
}

async function eventually<T>(probe: () => T | undefined, deadlineMs: number, what: string): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runQueuerContract(t: Test, name: string, make: (options: ContractOptions) => Promise<QueuerUnderTest>): Promise<void> {
  const withQueuer = async (st: Test, options: ContractOptions = {}): Promise<QueuerUnderTest> => {
    const q = await make(options);
    st.teardown(() => q.teardown());
    return q;
  };

  await t.test(`${name}: RequestQueuer contract`, async (t) => {
    await t.test('enqueue stores a queued call with its function and callback', async (t) => {
      const { queuer } = await withQueuer(t);
      await queuer.enqueue(queueRequest('call-a', 'echo', { callbackUrl: 'http://127.0.0.1:1/cb' }));
      const status = await queuer.status('call-a');
      t.match(status, { callId: 'call-a', function: 'echo.openfaas-fn', state: 'queued', attempts: 0, callback: { state: 'pending', url: 'http://127.0.0.1:1/cb' } });
      t.equal(await queuer.status('nope'), undefined, 'unknown id has no status');
    });

    await t.test('the same call id twice is stored once', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      await queuer.enqueue(queueRequest('dup-1'));
      await queuer.enqueue(queueRequest('dup-1', 'echo', { body: Buffer.from('second').toString('base64') }));
      t.equal((await queuer.counts()).total.waiting, 1);
      t.equal(await driver.take(), 'dup-1');
      t.equal(await driver.take(), undefined, 'only one call to run');
    });

    await t.test('running and finished calls report their state; cancel refuses them', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      await queuer.enqueue(queueRequest('run-1'));
      await driver.take();
      t.match(await queuer.status('run-1'), { state: 'running' });
      await t.rejects(queuer.cancel('run-1'), { code: 'FUNTAINER_ERR_JOB_STATE' });
      await driver.complete('run-1', response(200));
      t.match(await queuer.status('run-1'), { state: 'succeeded', statusCode: 200, attempts: 1 });
      await t.rejects(queuer.cancel('run-1'), { code: 'FUNTAINER_ERR_JOB_STATE' });
      await t.rejects(queuer.retry('run-1'), { code: 'FUNTAINER_ERR_JOB_STATE' }, 'only failed calls are redriven');
    });

    await t.test('cancel a queued call; unknown ids are JOB_NOT_FOUND', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      await queuer.enqueue(queueRequest('cancel-me'));
      await queuer.cancel('cancel-me');
      t.match(await queuer.status('cancel-me'), { state: 'cancelled', function: 'echo.openfaas-fn' });
      t.equal(await driver.take(), undefined, 'a cancelled call never runs');
      await t.rejects(queuer.cancel('cancel-me'), { code: 'FUNTAINER_ERR_JOB_STATE' }, 'cancelling twice is a state conflict');
      await t.rejects(queuer.cancel('unknown-id'), { code: 'FUNTAINER_ERR_JOB_NOT_FOUND' });
      await t.rejects(queuer.retry('unknown-id'), { code: 'FUNTAINER_ERR_JOB_NOT_FOUND' });
    });

    await t.test('a cancelled call id posted again runs', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      await queuer.enqueue(queueRequest('again-1'));
      await queuer.cancel('again-1');
      await queuer.enqueue(queueRequest('again-1'));
      t.match(await queuer.status('again-1'), { state: 'queued' });
      t.equal(await driver.take(), 'again-1', 'the new post runs');
    });

    await t.test('cancelled calls are listed newest first, filtered and paged', async (t) => {
      const { queuer } = await withQueuer(t);
      for (const [id, fn] of [['x-1', 'alpha'], ['x-2', 'beta'], ['x-3', 'alpha']] as const) {
        await queuer.enqueue(queueRequest(id, fn, id === 'x-2' ? { callbackUrl: 'http://127.0.0.1:1/cb' } : {}));
      }
      for (const id of ['x-1', 'x-2', 'x-3']) {
        await queuer.cancel(id);
        await sleep(5); // distinct cancellation times, so the order is not left to ties
      }
      const all = await queuer.list({ state: 'cancelled', offset: 0, limit: 10 });
      t.equal(all.total, 3);
      t.same(all.items.map((s) => s.callId), ['x-3', 'x-2', 'x-1'], 'newest cancellation first');
      t.match(all.items[1], { state: 'cancelled', function: 'beta.openfaas-fn', attempts: 0, finishedAt: Number, callback: { state: 'none', url: 'http://127.0.0.1:1/cb' } });
      t.same(all.items[1], await queuer.status('x-2'), 'a listed call reads the same by id');
      const alpha = await queuer.list({ function: 'alpha.openfaas-fn', state: 'cancelled', offset: 0, limit: 1 });
      t.equal(alpha.total, 2, 'filter counts only that function');
      t.same(alpha.items.map((s) => s.callId), ['x-3']);
      const next = await queuer.list({ function: 'alpha.openfaas-fn', state: 'cancelled', offset: 1, limit: 1 });
      t.same(next.items.map((s) => s.callId), ['x-1'], 'offset moves to the next item');
      t.same(await queuer.list({ state: 'cancelled', offset: 3, limit: 10 }), { items: [], total: 3 }, 'past the end');
      t.equal((await queuer.list({ state: 'queued', offset: 0, limit: 10 })).total, 0, 'no longer queued');
    });

    await t.test('cancelled records are bounded by count and age', async (t) => {
      const { queuer } = await withQueuer(t, { keepCancelled: { age: 1, count: 2 } });
      for (const id of ['k-1', 'k-2', 'k-3']) {
        await queuer.enqueue(queueRequest(id));
        await queuer.cancel(id);
        await sleep(5);
      }
      const kept = await queuer.list({ state: 'cancelled', offset: 0, limit: 10 });
      t.same({ ids: kept.items.map((s) => s.callId), total: kept.total }, { ids: ['k-3', 'k-2'], total: 2 }, 'the oldest beyond the count is dropped');
      t.equal(await queuer.status('k-1'), undefined, 'and forgotten by id too');
      await sleep(1100);
      t.same(await queuer.list({ state: 'cancelled', offset: 0, limit: 10 }), { items: [], total: 0 }, 'older than the age: gone from the list');
      t.equal(await queuer.status('k-3'), undefined, 'and by id');
    });

    await t.test('failed calls form the dead-letter list: filtered, paged, redriven', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      for (const [id, fn] of [['f-1', 'alpha'], ['f-2', 'beta'], ['f-3', 'alpha']] as const) {
        await queuer.enqueue(queueRequest(id, fn));
        t.equal(await driver.take(), id);
        await driver.fail(id, response(400), 'function answered 400; not retryable');
      }
      const all = await queuer.list({ state: 'failed', offset: 0, limit: 10 });
      t.equal(all.total, 3);
      t.same(all.items.map((s) => s.callId).sort(), ['f-1', 'f-2', 'f-3']);
      t.match(all.items.find((s) => s.callId === 'f-2'), { state: 'failed', statusCode: 400, lastResponse: { statusCode: 400 }, error: /400/ });
      const alpha = await queuer.list({ function: 'alpha.openfaas-fn', state: 'failed', offset: 0, limit: 1 });
      t.equal(alpha.total, 2, 'filter counts only that function');
      t.equal(alpha.items.length, 1, 'limit applies');
      const second = await queuer.list({ function: 'alpha.openfaas-fn', state: 'failed', offset: 1, limit: 1 });
      t.not(second.items[0]?.callId, alpha.items[0]?.callId, 'offset moves to the next item');

      await queuer.retry('f-2');
      t.match(await queuer.status('f-2'), { state: 'queued', attempts: 0 });
      t.equal((await queuer.list({ state: 'failed', offset: 0, limit: 10 })).total, 2);
      t.equal(await driver.take(), 'f-2', 'the redriven call runs again');
      await driver.complete('f-2', response(200));
      t.match(await queuer.status('f-2'), { state: 'succeeded', statusCode: 200 });
    });

    await t.test('counts per function and finished-call notifications', async (t) => {
      const { queuer, driver } = await withQueuer(t);
      const finished: string[] = [];
      const off = queuer.onFinished((call) => finished.push(`${call.function}:${call.outcome}:${call.attempts}`));
      t.teardown(off);
      await queuer.enqueue(queueRequest('c-1', 'alpha'));
      await queuer.enqueue(queueRequest('c-2', 'alpha'));
      await queuer.enqueue(queueRequest('c-3', 'beta'));
      // Give a BullMQ QueueEvents subscriber time to attach before events are produced.
      await new Promise((r) => setTimeout(r, 200));
      const counts = await queuer.counts();
      t.match(counts.total, { waiting: 3, active: 0, failed: 0 });
      t.match(counts.byFunction.get('alpha.openfaas-fn'), { waiting: 2 });
      t.match(counts.byFunction.get('beta.openfaas-fn'), { waiting: 1 });
      const first = await driver.take();
      t.ok(first);
      t.match((await queuer.counts()).total, { waiting: 2, active: 1 });
      await driver.complete(first as string, response(200));
      const secondId = await driver.take();
      await driver.fail(secondId as string, response(500), 'gave up');
      await eventually(() => (finished.length >= 2 ? true : undefined), 5000, 'two finished notifications');
      t.same(finished.sort(), ['alpha.openfaas-fn:failed:1', 'alpha.openfaas-fn:succeeded:1']);
      t.match((await queuer.counts()).byFunction.get('alpha.openfaas-fn'), { failed: 1 });
    });
  });
}
