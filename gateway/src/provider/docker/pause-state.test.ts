/**
 * The in-memory side of pausing, without Docker: ReplicaSet.isPaused() derived from replica states, paused
 * replicas out of the endpoints, and how engine events (pause/unpause/die by anyone) move a set.
 */
import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { handleContainerEvent } from './container-event-handler.js';
import { ReplicaSet, type Replica, type ReplicaState } from './replica-set.js';

const fn = { name: 'echo', namespace: 'openfaas-fn' };
const spec = FunctionDeploymentSchema.parse({ service: 'echo', namespace: 'openfaas-fn', image: 'img:1' });
const definition = { spec, replicas: 2, generation: 1, revision: 1, createdAt: new Date() };

function setWith(...states: ReplicaState[]): ReplicaSet {
  const set = new ReplicaSet(fn, definition);
  states.forEach((state, slot) => {
    const replica: Replica = { id: `c${slot}`, identity: { ...fn, generation: 1, slot }, url: `http://10.0.0.${slot}:8080`, state };
    set.put(replica);
  });
  return set;
}

t.test('isPaused: some paused and none starting or ready', async (t) => {
  t.notOk(setWith().isPaused(), 'no replica (removed) is not paused');
  t.ok(setWith('paused').isPaused());
  t.ok(setWith('paused', 'paused').isPaused());
  t.ok(setWith('paused', 'draining').isPaused(), 'a draining replica does not count as running');
  t.notOk(setWith('paused', 'ready').isPaused(), 'partly paused (being woken) counts as running');
  t.notOk(setWith('paused', 'starting').isPaused());
  t.notOk(setWith('ready').isPaused());
});

t.test('paused replicas leave the endpoints and come back only when ready', async (t) => {
  const set = setWith('ready', 'ready');
  t.equal(set.endpoints.length, 2);
  t.ok(set.setState('c0', 'paused'), 'endpoints changed');
  t.same(set.endpoints.map((e) => e.id), ['c1']);
  t.notOk(set.setState('c0', 'starting'), 'starting is still out of rotation');
  t.ok(set.setState('c0', 'ready'));
  t.equal(set.readyCount(), 2);
});

t.test('engine events: pause elsewhere empties endpoints at once, unpause and die queue a pass', async (t) => {
  const set = setWith('ready', 'ready');
  const sets = new Map([['echo.openfaas-fn', set]]);
  const emitted: number[] = [];
  const converges: string[] = [];
  const deps = { sets, emit: (s: ReplicaSet) => emitted.push(s.endpoints.length), requestConverge: (key: string) => converges.push(key) };
  const key = 'echo.openfaas-fn';

  handleContainerEvent(deps, key, 'pause', 'c0');
  handleContainerEvent(deps, key, 'pause', 'c1');
  t.same(emitted, [1, 0], 'each paused replica leaves the endpoints, listeners told');
  t.ok(set.isPaused());
  handleContainerEvent(deps, key, 'pause', 'c1');
  t.same(emitted, [1, 0], 'the echo of our own pause is a no-op');

  handleContainerEvent(deps, key, 'unpause', 'c0');
  t.same(converges, [key], 'unpause elsewhere: a pass probes it before traffic');
  t.equal(set.endpoints.length, 0, 'not in the endpoints before the probe');

  set.setState('c1', 'starting');
  handleContainerEvent(deps, key, 'unpause', 'c1');
  t.same(converges, [key], 'the echo of our own unpause (already starting) is a no-op');

  handleContainerEvent(deps, key, 'die', 'c0');
  t.notOk(set.get('c0'), 'a dead replica is forgotten');
  t.ok(set.isDead('c0'));
  t.same(converges, [key, key], 'and replaced by a pass');
  handleContainerEvent(deps, 'other.openfaas-fn', 'die', 'x');
  t.same(converges, [key, key], 'events of unknown functions are ignored');
});
