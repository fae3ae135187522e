/**
 * Reconcile passes against a fake engine (testing/fake-replica-engine.ts) whose replicas are local HTTP servers
 * answering `/_/ready`, so the real readiness wait runs: missing slots are launched, running containers of the
 * current generation adopted, exited ones removed, extra slots and (once the new generation is ready) old
 * generations retired, a replica that never gets ready removed, and a failed launch logged and retried next pass.
 */
import t, { type Test } from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { FakeReplicaEngine, readyServer, type ReadyServer } from '../../testing/fake-replica-engine.js';
import { Reconciler, type ReconcilerSettings } from './reconciler.js';
import { ReplicaSet } from './replica-set.js';

const fn = { name: 'echo', namespace: 'openfaas-fn' };
const spec = FunctionDeploymentSchema.parse({ service: 'echo', namespace: 'openfaas-fn', image: 'img:1' });
const slot = (generation: number, s: number) => ({ ...fn, generation, slot: s });

interface Rig {
  readonly engine: FakeReplicaEngine;
  readonly reconciler: Reconciler;
  readonly set: ReplicaSet;
  readonly warnings: string[];
  changes: number;
}

async function rig(t: Test, replicas: number, generation: number, launchUrl: ReadyServer, settings: Partial<ReconcilerSettings> = {}): Promise<Rig> {
  const lifetime = new AbortController();
  t.teardown(() => lifetime.abort());
  const engine = new FakeReplicaEngine(() => launchUrl.url);
  const warnings: string[] = [];
  const logger = { info: () => {}, warn: (_o: object, msg?: string) => void warnings.push(msg ?? ''), error: () => {} };
  const set = new ReplicaSet(fn, { spec, replicas, generation, revision: 1, createdAt: new Date() });
  const state: Rig = { engine, set, warnings, changes: 0, reconciler: undefined as unknown as Reconciler };
  const full = { readyTimeoutMs: 10_000, readyPollMs: 10, drainMs: 0, drainTimeoutMs: 1_000, ...settings };
  const images = { ensure: async () => ({ user: '' }) };
  return Object.assign(state, { reconciler: new Reconciler(engine, images, full, () => state.changes++, logger, lifetime.signal) });
}

/**
 * One pass as the provider runs it: the pass, the readiness of the replicas it started (awaited off the lock),
 * then the follow-up pass their readiness asks for (requestPass), which retires what they replace.
 */
async function settle(r: Rig): Promise<void> {
  await (await r.reconciler.converge(r.set)).settled;
  await (await r.reconciler.converge(r.set)).settled;
}

/** A single pass and the readiness of what it started: for counting what one pass does. */
async function passOnce(r: Rig): Promise<void> {
  await (await r.reconciler.converge(r.set)).settled;
}

async function servers(t: Test, ...ready: boolean[]): Promise<ReadyServer[]> {
  const all = await Promise.all(ready.map((r) => readyServer(r)));
  t.teardown(() => Promise.all(all.map((s) => s.close())));
  return all;
}

t.test('missing slots are launched and become endpoints once ready', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 2, 1, up!);
  await settle(r);
  t.same(r.engine.launched.map((i) => i.slot).sort(), [0, 1]);
  t.equal(r.set.endpoints.length, 2);
  t.ok(r.set.replicas().every((x) => x.state === 'ready'));
  t.ok(r.changes > 0, 'listeners told');
  t.equal(r.set.phase(), 'ready');
});

t.test('running containers of the current generation are adopted, not relaunched; exited ones are removed', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 1, 3, up!);
  const running = r.engine.add(slot(3, 0), up!.url);
  const exited = r.engine.add(slot(3, 0), up!.url, 'exited');
  r.set.put({ id: exited, identity: slot(3, 0), url: up!.url, state: 'ready' }); // it was serving before it died
  await settle(r);
  t.same(r.engine.launched, [], 'nothing launched');
  t.equal(r.set.get(running)?.state, 'ready', 'adopted after answering ready');
  t.equal(r.set.get(exited), undefined, 'the dead one is forgotten');
  t.same(r.engine.removed, [exited], 'and removed');
  t.same(r.set.endpoints.map((e) => e.id), [running]);
});

t.test('paused containers of the current generation are adopted as paused, and no slot is relaunched', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 1, 1, up!);
  const frozen = r.engine.add(slot(1, 0), up!.url, 'paused');
  await settle(r);
  t.equal(r.set.get(frozen)?.state, 'paused');
  t.same(r.engine.launched, []);
  t.equal(r.set.endpoints.length, 0, 'a paused replica takes no traffic');
});

t.test('extra slots are retired: out of the endpoints, stopped and removed', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 2, 1, up!);
  await settle(r);
  const extra = r.set.replicas().find((x) => x.identity.slot === 1)!.id;
  const untracked = r.engine.add(slot(1, 5), up!.url); // made by another gateway for a larger scale
  r.set.definition = { ...r.set.definition!, replicas: 1 };
  await settle(r);
  t.same(r.engine.stopped.sort(), [extra, untracked].sort());
  t.same(r.set.replicas().map((x) => x.identity.slot), [0]);
  t.equal(r.set.endpoints.length, 1);
});

t.test('an old generation is retired only after the new one is ready', async (t) => {
  const [oldUp, newUp] = await servers(t, true, false);
  const r = await rig(t, 1, 2, newUp!);
  const old = r.engine.add(slot(1, 0), oldUp!.url);
  r.set.put({ id: old, identity: slot(1, 0), url: oldUp!.url, state: 'ready' });
  const pass = settle(r);
  const until = Date.now() + 10_000;
  while (newUp!.probes < 3 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
  t.ok(newUp!.probes >= 3, 'the new replica is being probed');
  t.same(r.engine.stopped, [], 'the old generation still runs while the new one starts');
  t.same(r.set.endpoints.map((e) => e.id), [old], 'and still takes the traffic');
  newUp!.ready = true;
  await pass;
  t.same(r.engine.stopped, [old], 'retired once the new one is ready');
  t.equal(r.set.endpoints.length, 1);
  t.equal(r.set.endpoints[0]?.url, newUp!.url);
});

t.test('a replica that never gets ready is removed, and the old generation keeps serving', async (t) => {
  const [oldUp, never] = await servers(t, true, false);
  const r = await rig(t, 1, 2, never!, { readyTimeoutMs: 200 });
  const old = r.engine.add(slot(1, 0), oldUp!.url);
  r.set.put({ id: old, identity: slot(1, 0), url: oldUp!.url, state: 'ready' });
  await passOnce(r);
  t.equal(r.engine.launched.length, 1);
  t.equal(r.engine.removed.length, 1, 'the unready replica is removed');
  t.notOk(r.engine.containers.has(r.engine.removed[0]!));
  t.same(r.engine.stopped, [], 'the old generation is not retired');
  t.same(r.set.endpoints.map((e) => e.id), [old]);
  t.ok(r.warnings.includes('could not wait for readiness'), `logged: ${r.warnings.join('; ')}`);
});

t.test('a failed launch is logged and retried by the next pass', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 1, 1, up!);
  r.engine.failLaunches = 1;
  await passOnce(r);
  t.equal(r.set.endpoints.length, 0);
  t.ok(r.warnings.includes('could not launch replica'), `logged: ${r.warnings.join('; ')}`);
  t.equal(r.set.refusal, undefined, 'a plain engine failure is not a refusal');
  await passOnce(r);
  t.equal(r.engine.launched.length, 1, 'launched on the next pass');
  t.equal(r.set.endpoints.length, 1);
});

t.test('a refused launch is recorded on the set and listeners learn of it at once', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 1, 1, up!);
  r.engine.failLaunches = 1;
  r.engine.launchError = new FuntainerError('FUNTAINER_ERR_REPLICA_REFUSED', 'no such image');
  await passOnce(r);
  t.equal(r.set.refusal?.error.code, 'FUNTAINER_ERR_REPLICA_REFUSED');
  t.equal(r.changes, 1);
  t.equal(r.set.phase(), 'failing');
  await passOnce(r);
  t.equal(r.set.refusal, undefined, 'cleared by the next successful launch');
});

t.test('while the function is paused, a missing slot is not relaunched', async (t) => {
  const [up] = await servers(t, true);
  const r = await rig(t, 2, 1, up!);
  r.engine.add(slot(1, 0), up!.url, 'paused');
  await settle(r);
  t.same(r.engine.launched, [], 'slot 1 stays missing until unpause');
});
