import t from 'tap';
import { withTask } from './swarm-logs.js';
import { rebindSecret } from './secret-rebind.js';
import { routableTasks, serviceFailure, type TaskInfo } from './swarm-tasks.js';

const task = (id: string, extra: Partial<TaskInfo> = {}): TaskInfo => ({
  ID: id, ServiceID: 'svc', DesiredState: 'running', Status: { State: 'running' },
  Spec: { ContainerSpec: { Labels: { 'com.funtainer.generation': '2' } } },
  NetworksAttachments: [{ Network: { ID: 'ingress-id', Spec: { Name: 'ingress' } }, Addresses: ['10.0.0.9/24'] }, { Network: { ID: 'n1', Spec: { Name: 'fns' } }, Addresses: ['10.0.1.5/24'] }],
  ...extra,
});

t.test('routable: wanted running, running, with an address on the functions network', async (t) => {
  t.same(routableTasks([task('a')], 'fns'), [{ id: 'a', serviceId: 'svc', generation: 2, url: 'http://10.0.1.5:8080' }], 'its own address, not another network\'s');
  t.same(routableTasks([task('b', { DesiredState: 'shutdown' }), task('c', { Status: { State: 'starting' } }), task('d', { NetworksAttachments: [] })], 'fns'), []);
});

t.test('failure: the newest task error while nothing runs', async (t) => {
  const failed = task('x', { Status: { State: 'rejected', Err: 'no such image', Timestamp: '2026-01-01T00:00:02Z' } });
  const older = task('y', { Status: { State: 'failed', Err: 'older', Timestamp: '2026-01-01T00:00:01Z' } });
  t.match(serviceFailure([older, failed]), { message: 'no such image' });
  t.equal(serviceFailure([failed, task('z')]), undefined, 'none while a task runs');
});

t.test('log lines: the task id out of the details', async (t) => {
  const entry = { name: 'f', namespace: 'n', instance: '', timestamp: 'ts', text: 'com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=abcdefghijklmnop hello world' };
  t.match(withTask(entry), { instance: 'abcdefghijkl', text: 'hello world' });
  t.same(withTask({ ...entry, text: 'plain' }), { ...entry, text: 'plain' });
});

t.test('a rotated secret: only its reference changes', async (t) => {
  const spec = { TaskTemplate: { ContainerSpec: { Secrets: [
    { SecretID: 'old', SecretName: 'fs-x-v1', File: { Name: '/var/openfaas/secrets/key' } },
    { SecretID: 'other', SecretName: 'fs-y-v1', File: { Name: '/var/openfaas/secrets/other' } },
  ] } } };
  const next = rebindSecret(spec, { name: 'key', secretId: 'new', secretName: 'fs-x-v2' }) as typeof spec;
  t.same(next.TaskTemplate.ContainerSpec.Secrets.map((s) => s.SecretID), ['new', 'other']);
});
