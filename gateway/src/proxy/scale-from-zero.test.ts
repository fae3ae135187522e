/**
 * Scale from zero on the live path (issue 10 #1), through a real gateway on a real socket with the real waker:
 * requests for a function at zero park on its route, bounded by scale_from_zero_max_waiting (the next one
 * gets 503 wait-queue-full with Retry-After at once), each until its ready_timeout, all served when a replica
 * becomes ready, all failed at once when the wake-up fails.
 */
import t, { type Test } from 'tap';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { createWaker, type Waker } from '../autoscaler/wake.js';
import { deployFunction, httpRequest, jsonOf, startGateway, startUpstream, type Harness, type RawResponse } from '../testing/gateway-harness.js';
import type { FunctionProvider } from '../provider/provider.js';

const echo: Parameters<typeof startUpstream>[0] = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('served');

interface Setup {
  readonly h: Harness;
  readonly fn: QualifiedName;
  scaleCalls(): number;
}

/** Gateway whose wakeFunction is a real waker over the gateway's MemoryProvider; the function starts at zero. */
async function setup(t: Test, env: Record<string, string>, maxWaiting: number | undefined, failScale = false): Promise<Setup> {
  const up = await startUpstream(echo);
  let waker: Waker | undefined;
  const h = await startGateway({
    endpointUrl: () => up.url,
    autoReady: false,
    env,
    deps: { wakeFunction: (fn) => (waker as Waker).wake(fn), ...(maxWaiting === undefined ? {} : { maxWaitingPerFunction: maxWaiting }) },
  });
  let scales = 0;
  const provider: Pick<FunctionProvider, 'get' | 'scale' | 'endpoints' | 'onEndpointsChanged'> = {
    get: (fn) => h.provider.get(fn),
    endpoints: (fn) => h.provider.endpoints(fn),
    onEndpointsChanged: (listener) => h.provider.onEndpointsChanged(listener),
    scale: async (fn, replicas) => {
      scales++;
      if (failScale) throw new FuntainerError('FUNTAINER_ERR_ENGINE', 'engine refused');
      await h.provider.scale(fn, replicas);
    },
  };
  waker = createWaker({ provider });
  t.teardown(async () => {
    (waker as Waker).close();
    await h.close();
    await up.close();
  });
  const fn = await deployFunction(h.provider, { service: 'cold' });
  await h.provider.scale(fn, 0);
  return { h, fn, scaleCalls: () => scales };
}

function invoke(h: Harness): Promise<RawResponse & { ms: number }> {
  const started = Date.now();
  return httpRequest(`${h.url}/function/cold`).then((res) => ({ ...res, ms: Date.now() - started }));
}

/** Waits (bounded) until `count` requests are parked on the function's route. */
async function parked(t: Test, h: Harness, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((h.gateway.functions.resolve('cold')?.waiters.length ?? 0) < count) {
    if (Date.now() > deadline) t.fail(`only ${h.gateway.functions.resolve('cold')?.waiters.length ?? 0} of ${count} requests parked`);
    if (Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

t.test('past scale_from_zero_max_waiting the next request gets 503 wait-queue-full at once; held ones 503 at their deadline', async (t) => {
  const s = await setup(t, { ready_timeout: '1500ms' }, 5);
  const held = Array.from({ length: 5 }, () => invoke(s.h));
  await parked(t, s.h, 5);
  const refused = await invoke(s.h);
  t.equal(refused.status, 503);
  t.match(jsonOf(refused), { code: 'FUNTAINER_ERR_NO_REPLICA', function: 'cold.openfaas-fn', reason: 'wait-queue-full' });
  t.equal(refused.headers['retry-after'], '1', 'Retry-After');
  t.ok(refused.ms < 1_000, `refused at once (${refused.ms} ms), not after ready_timeout`);
  for (const res of await Promise.all(held)) {
    t.equal(res.status, 503);
    t.match(jsonOf(res), { code: 'FUNTAINER_ERR_NO_REPLICA', reason: 'deadline' });
    t.equal(res.headers['retry-after'], '1');
    t.ok(res.ms >= 1_400, `held until ready_timeout (${res.ms} ms)`);
  }
  t.equal(s.scaleCalls(), 1, 'one wake-up for all held requests');
  t.equal(s.h.gateway.functions.resolve('cold')?.waiters.length, 0, 'nothing left parked');
});

t.test('replicas that become ready before the deadline serve every held request', async (t) => {
  const s = await setup(t, { ready_timeout: '20s' }, 5);
  const held = Array.from({ length: 5 }, () => invoke(s.h));
  await parked(t, s.h, 5);
  t.equal((await s.h.provider.get(s.fn))?.replicas, 1, 'woken: scaled to max(min, 1)');
  s.h.provider.markReady(s.fn);
  for (const res of await Promise.all(held)) {
    t.equal(res.status, 200);
    t.equal(res.body, 'served');
  }
  t.equal(s.scaleCalls(), 1);
});

t.test('a failed wake-up fails the held requests at once instead of at their deadline', async (t) => {
  const s = await setup(t, { ready_timeout: '20s' }, 5, true);
  const results = await Promise.all(Array.from({ length: 3 }, () => invoke(s.h)));
  for (const res of results) {
    t.equal(res.status, 503);
    t.match(jsonOf(res), { code: 'FUNTAINER_ERR_NO_REPLICA', reason: 'scale-up-failed' });
    t.ok(res.ms < 5_000, `failed fast (${res.ms} ms)`);
  }
  t.equal(s.h.gateway.functions.resolve('cold')?.waiters.length, 0);
});

t.test('without the setting (no autoscaler) the bound is the same default, 1000', async (t) => {
  const s = await setup(t, { ready_timeout: '200ms' }, undefined);
  const res = await invoke(s.h);
  t.match(jsonOf(res), { code: 'FUNTAINER_ERR_NO_REPLICA', reason: 'deadline' });
  t.equal(s.h.gateway.functions.resolve('cold')?.maxWaiting, 1000);
});
