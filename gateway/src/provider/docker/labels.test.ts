import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { definitionLabels, parseDefinitionLabels, parseReplicaLabels, replicaLabels, DEFINITION_LABELS } from './labels.js';

const spec = FunctionDeploymentSchema.parse({
  service: 'echo', namespace: 'openfaas-fn', image: 'img:1', envProcess: 'node index.js', envVars: { A: '1' },
  labels: { team: 'x' }, annotations: { note: 'y' }, limits: { memory: '128Mi' }, secrets: ['k'],
});

t.test('definition labels round-trip the spec and desired state', async (t) => {
  const def = { spec, replicas: 3, generation: 2, revision: 7, createdAt: new Date('2024-01-02T03:04:05.000Z') };
  const labels = definitionLabels(def, { 'funtainer.test': 'run' });
  t.equal(labels['funtainer.test'], 'run');
  t.same(parseDefinitionLabels(labels), def);
});

t.test('invalid definition labels are rejected, not trusted', async (t) => {
  const good = definitionLabels({ spec, replicas: 1, generation: 1, revision: 1, createdAt: new Date() }, {});
  t.equal(parseDefinitionLabels(undefined), undefined);
  t.equal(parseDefinitionLabels({ ...good, [DEFINITION_LABELS.spec]: '{not json' }), undefined);
  t.equal(parseDefinitionLabels({ ...good, [DEFINITION_LABELS.spec]: JSON.stringify({ service: 'BAD NAME', image: 'x' }) }), undefined);
  t.equal(parseDefinitionLabels({ ...good, [DEFINITION_LABELS.replicas]: '-1' }), undefined);
});

t.test('replica labels: ours win over user labels and round-trip', async (t) => {
  const identity = { name: 'echo', namespace: 'openfaas-fn', generation: 4, slot: 1 };
  const labels = replicaLabels(identity, { team: 'x', 'com.funtainer.function': 'spoofed' }, { 'funtainer.test': 'run' });
  t.equal(labels['team'], 'x');
  t.equal(labels['com.funtainer.function'], 'echo');
  t.same(parseReplicaLabels(labels), identity);
  t.equal(parseReplicaLabels({ team: 'x' }), undefined);
});
