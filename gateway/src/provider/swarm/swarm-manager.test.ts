import t from 'tap';
import { mapDockerError } from '../docker/docker-errors.js';
import { managerProblem } from './swarm-manager.js';

t.test('only a manager of an active swarm will do', async (t) => {
  t.equal(managerProblem({ Swarm: { LocalNodeState: 'active', ControlAvailable: true } }), undefined);
  t.match(managerProblem({ Swarm: { LocalNodeState: 'inactive', ControlAvailable: false } }), /not part of a swarm \(state "inactive"\).*docker swarm init/);
  t.match(managerProblem({}), /not part of a swarm/);
  t.match(managerProblem({ Swarm: { LocalNodeState: 'active', ControlAvailable: false } }), /a swarm worker/);
  t.match(managerProblem({ Swarm: { LocalNodeState: 'pending' } }), /state "pending"/);
});

t.test('on calls: the engine\'s 503 (not a manager any more) is SWARM_NOT_MANAGER, other failures stay ENGINE', async (t) => {
  const left = Object.assign(new Error('(HTTP code 503) unexpected - This node is not a swarm manager.'), { statusCode: 503 });
  t.match(mapDockerError(left, 'list services'), { code: 'FUNTAINER_ERR_SWARM_NOT_MANAGER', statusCode: 503, message: /not a swarm manager \(list services\).*docker swarm init/ });
  t.match(mapDockerError(Object.assign(new Error('boom'), { statusCode: 500 }), 'list services'), { code: 'FUNTAINER_ERR_ENGINE' });
});
