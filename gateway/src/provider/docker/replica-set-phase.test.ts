/**
 * ReplicaSet.phase(), which `GET /system/function` reports as `status` and the autoscaler reads (a `starting`
 * function is never idle): only the current generation's ready replicas make a function ready.
 */
import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { ReplicaSet, type ReplicaState } from './replica-set.js';

const fn = { name: 'echo', namespace: 'openfaas-fn' };
const spec = FunctionDeploymentSchema.parse({ service: 'echo', namespace: 'openfaas-fn', image: 'img:1' });

function setOf(replicas: number, generation: number, ...members: [generation: number, state: ReplicaState][]): ReplicaSet {
  const set = new ReplicaSet(fn, { spec, replicas, generation, revision: 1, createdAt: new Date() });
  members.forEach(([gen, state], slot) => set.put({ id: `c${gen}-${slot}`, identity: { ...fn, generation: gen, slot }, url: `http://10.0.0.${slot}:8080`, state }));
  return set;
}

t.test('phase from the definition and the replica states', async (t) => {
  t.equal(setOf(0, 1).phase(), 'scaled-to-zero');
  t.equal(setOf(1, 1).phase(), 'starting', 'deployed, no replica yet');
  t.equal(setOf(1, 1, [1, 'starting']).phase(), 'starting');
  t.equal(setOf(1, 1, [1, 'ready']).phase(), 'ready');
  t.equal(setOf(2, 1, [1, 'ready'], [1, 'starting']).phase(), 'starting', 'not all wanted replicas ready');
  t.equal(setOf(1, 2, [1, 'ready'], [2, 'starting']).phase(), 'starting', 'an update: the old generation serves, the new one starts');
  t.equal(setOf(1, 1, [1, 'paused']).phase(), 'paused');
});

t.test('a refusal makes a function without enough ready replicas failing, not a ready one', async (t) => {
  const refusal = { error: new FuntainerError('FUNTAINER_ERR_REPLICA_REFUSED', 'refused'), at: new Date() };
  const failing = setOf(1, 1);
  failing.refusal = refusal;
  t.equal(failing.phase(), 'failing');
  const ready = setOf(1, 1, [1, 'ready']);
  ready.refusal = refusal;
  t.equal(ready.phase(), 'ready');
});
