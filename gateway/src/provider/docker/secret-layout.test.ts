import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import {
  functionSecretsDir, generationSecretsDir, liveGenerations, parseGenerationDirName, secretsMounts, staleGenerationDirs, type FoundGenerationDir,
} from './secret-layout.js';

const ref = { scope: 'default', namespace: 'openfaas-fn', name: 'echo', generation: 2 };

t.test('paths: per scope, namespace, function and generation, under .mounts', async (t) => {
  t.equal(functionSecretsDir('/srv/secrets', ref), '/srv/secrets/.mounts/default/openfaas-fn/echo');
  t.equal(generationSecretsDir('/srv/secrets', ref), '/srv/secrets/.mounts/default/openfaas-fn/echo/g2');
  t.throws(() => generationSecretsDir('/s', { ...ref, name: '../etc' }), { code: 'FUNTAINER_ERR_INVALID_NAME' }, 'a bad name never becomes a path');
  t.throws(() => generationSecretsDir('/s', { ...ref, scope: '..' }), { code: 'FUNTAINER_ERR_INVALID_NAME' });
  t.throws(() => generationSecretsDir('/s', { ...ref, generation: -1 }), { code: 'FUNTAINER_ERR_INVALID_SPEC' });
  t.equal(parseGenerationDirName('g12'), 12);
  for (const name of ['g', 'x12', 'g1.tmp', '.g1', 'g-1']) t.equal(parseGenerationDirName(name), undefined, name);
});

t.test('mount: the generation directory as the host sees it, read-only; none without secrets', async (t) => {
  const spec = FunctionDeploymentSchema.parse({ service: 'echo', image: 'i', secrets: ['a', 'b'] });
  t.same(secretsMounts(spec, ref, '/host/secrets'), [
    { Type: 'bind', Source: '/host/secrets/.mounts/default/openfaas-fn/echo/g2', Target: '/var/openfaas/secrets', ReadOnly: true },
  ]);
  t.same(secretsMounts(FunctionDeploymentSchema.parse({ service: 'echo', image: 'i' }), ref, '/host/secrets'), []);
});

t.test('prune: only generations with no container, behind the definition (or without one), older than the grace', async (t) => {
  const now = 1_000_000;
  const old = now - 120_000;
  const dir = (name: string, generation: number, modifiedMs = old): FoundGenerationDir => ({ scope: 'default', namespace: 'ns', name, generation, modifiedMs });
  const live = liveGenerations(
    new Map([['ns/a', { generation: 3 }], ['ns/b', { generation: 1 }]]),
    [{ identity: { namespace: 'ns', name: 'a', generation: 2 } }, { identity: { namespace: 'ns', name: 'a', generation: 3 } }],
  );
  const found = [
    dir('a', 1), // old generation, rolled away
    dir('a', 2), // old generation still draining: has a container
    dir('a', 3), // current
    dir('a', 4), // newer than the sweep's snapshot of the definition (an update meanwhile)
    dir('b', 1), // current, scaled to 0 (no container)
    dir('gone', 1), // function removed elsewhere
    dir('fresh', 1, now - 1_000), // no definition seen yet: a deploy racing the sweep
  ];
  t.same(staleGenerationDirs(found, live, now, 60_000).map((d) => `${d.name}/g${d.generation}`), ['a/g1', 'gone/g1']);
});
