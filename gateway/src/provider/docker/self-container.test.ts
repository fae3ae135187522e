import { hostname } from 'node:os';
import t from 'tap';
import type Docker from 'dockerode';
import { functionNetworkName } from './functions-network.js';
import { selfContainerResolver } from './self-container.js';

const silent = { info() {}, warn() {}, error() {} };

/** A stand-in engine answering `inspect` per container name; counts the calls. */
function engine(answer: (name: string) => Promise<{ Id: string }>): { docker: Docker; calls: string[] } {
  const calls: string[] = [];
  const docker = { getContainer: (name: string) => ({ inspect: () => (calls.push(name), answer(name)) }) } as unknown as Docker;
  return { docker, calls };
}

const notFound = () => Promise.reject(Object.assign(new Error('no such container'), { statusCode: 404 }));

t.test('detected: the container whose id starts with our hostname (Docker names a container\'s host after its id)', async (t) => {
  const { docker } = engine(async (name) => ({ Id: `${name}0123456789abcdef` }));
  t.equal(await selfContainerResolver(docker, undefined, 1000, silent)(), `${hostname()}0123456789abcdef`);
});

t.test('on a host: no container by that name, or one merely named like the host, is not us', async (t) => {
  t.equal(await selfContainerResolver(engine(notFound).docker, undefined, 1000, silent)(), undefined);
  t.equal(await selfContainerResolver(engine(async () => ({ Id: 'f'.repeat(64) })).docker, undefined, 1000, silent)(), undefined);
});

t.test('configured: that container (any id), "none" never joins, a missing one is an error', async (t) => {
  const { docker, calls } = engine(async () => ({ Id: 'a'.repeat(64) }));
  t.equal(await selfContainerResolver(docker, 'funtainer-gateway-1', 1000, silent)(), 'a'.repeat(64));
  t.same(calls, ['funtainer-gateway-1']);
  t.equal(await selfContainerResolver(docker, 'none', 1000, silent)(), undefined);
  await t.rejects(selfContainerResolver(engine(notFound).docker, 'gone', 1000, silent)(), { code: 'FUNTAINER_ERR_ENGINE' });
});

t.test('memoised once answered; an engine failure is asked again next time', async (t) => {
  let fail = true;
  const { docker, calls } = engine(async (name) => {
    if (fail) throw Object.assign(new Error('engine busy'), { statusCode: 500 });
    return { Id: `${name}99` };
  });
  const self = selfContainerResolver(docker, undefined, 1000, silent);
  await t.rejects(self());
  fail = false;
  t.equal(await self(), `${hostname()}99`);
  t.equal(await self(), `${hostname()}99`);
  t.equal(calls.length, 2, 'one failed and one successful inspect, then memoised');
});

t.test('function network names: prefix, namespace, name and scope suffix', async (t) => {
  t.equal(functionNetworkName('funtainer-functions', { name: 'echo', namespace: 'openfaas-fn' }, ''), 'funtainer-functions-openfaas-fn-echo');
  t.equal(functionNetworkName('ft', { name: 'echo', namespace: 'staging' }, '-a1b2c3'), 'ft-staging-echo-a1b2c3');
});
