/**
 * The behaviour every PausableProvider must show, run against the in-memory fake (unit tests) and the Docker
 * provider (test/autoscale-docker.test.ts), so the fake the autoscaler's unit tests rely on cannot drift from
 * the engine. The subject arrives with `fn` deployed and two replicas ready.
 */
import type { Test } from 'tap';
import type { QualifiedName } from '@funtainer/core/names';
import type { PausableProvider } from '../provider/pausable-provider.js';
import type { EndpointWatch, ReplicaQuery } from './provider-views.js';

export type PausableSubject = PausableProvider & ReplicaQuery & EndpointWatch;

export interface PausableContractOptions {
  /** Upper bound for replicas to become ready again after unpause/scale. */
  readonly readyDeadlineMs: number;
}

export async function runPausableContract(
  t: Test,
  name: string,
  make: (t: Test) => Promise<{ provider: PausableSubject; fn: QualifiedName }>,
  options: PausableContractOptions,
): Promise<void> {
  const readyCount = (p: PausableSubject, fn: QualifiedName) => p.endpoints(fn)?.length ?? 0;
  const until = async (probe: () => boolean, what: string): Promise<void> => {
    const deadline = Date.now() + options.readyDeadlineMs;
    while (!probe()) {
      if (Date.now() > deadline) throw new Error(`${name}: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  await t.test(`${name}: pause is idempotent, empties the endpoints once and keeps the desired count`, async (t) => {
    const { provider, fn } = await make(t);
    const changes: number[] = [];
    t.teardown(provider.onEndpointsChanged((changed, endpoints) => {
      if (changed.name === fn.name && changed.namespace === fn.namespace) changes.push(endpoints.length);
    }));
    await provider.pause(fn);
    await provider.pause(fn);
    t.ok(provider.isPaused(fn), 'isPaused');
    t.same(provider.endpoints(fn), [], 'no endpoint while paused');
    t.same(changes, [0], 'one change to [] however often it is paused');
    t.equal((await provider.get(fn))?.replicas, 2, 'desired count kept');
    await provider.unpause(fn);
    await provider.unpause(fn);
    await until(() => readyCount(provider, fn) === 2, 'two endpoints after unpause');
    t.notOk(provider.isPaused(fn), 'not paused after unpause');
  });

  await t.test(`${name}: scale on a paused function ends the pause; scale 0 removes it`, async (t) => {
    const { provider, fn } = await make(t);
    await provider.pause(fn);
    await provider.scale(fn, 3);
    t.notOk(provider.isPaused(fn), 'scale ends the pause');
    await until(() => readyCount(provider, fn) === 3, 'three endpoints');
    await provider.pause(fn);
    await provider.scale(fn, 0);
    t.notOk(provider.isPaused(fn), 'scale 0 is not a pause');
    t.same(provider.endpoints(fn), []);
    t.equal((await provider.get(fn))?.replicas, 0, 'desired 0, definition kept');
  });

  await t.test(`${name}: unpause of a function that is not paused is a no-op`, async (t) => {
    const { provider, fn } = await make(t);
    await provider.unpause(fn);
    t.notOk(provider.isPaused(fn));
    t.equal(readyCount(provider, fn), 2);
  });
}
