/**
 * `funtainer namespace …` and `-n` against a real gateway (buildGateway over the memory provider, real socket):
 * the CLI's wire calls meet the gateway's multi-namespace API, and a function deployed with `-n` is listed and
 * described only in its namespace.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { MemoryProvider } from '@funtainer/gateway/testing/memory-provider';
import { runCli } from './helpers/cli-process.js';

t.test('namespace create/list/describe/update/remove, and -n on list and describe', async (t) => {
  const cwd = await mkdtemp(join(tmpdir(), 'funtainer-cli-ns-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const provider = new MemoryProvider();
  const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', state_dir: join(cwd, 'state') });
  const gw = await buildGateway({ provider, config, registry: new Registry() });
  t.teardown(() => gw.close());
  const { port } = await gw.listen();
  const cli = (...args: string[]) => runCli([...args, '-g', `http://127.0.0.1:${port}`], { cwd, timeoutMs: 30_000 });

  t.match(await cli('namespace', 'create', 'staging', '-l', 'team=web', '--annotation', 'owner=ops'), { code: 0, stdout: /namespace staging created/ });
  t.match(await cli('namespace', 'create', 'staging'), { code: 1, stderr: /already exists/ }, 'a duplicate is refused with the gateway\'s message');
  t.match(await cli('ns', 'list'), { code: 0, stdout: /openfaas-fn[\s\S]*staging/ });
  const described = await cli('namespace', 'describe', 'staging', '--json');
  t.same(JSON.parse(described.stdout), { name: 'staging', labels: { openfaas: '1', team: 'web' }, annotations: { owner: 'ops' } });
  t.match(await cli('namespace', 'update', 'staging', '-l', 'team=api'), { code: 0 });
  t.match(JSON.parse((await cli('namespace', 'describe', 'staging', '--json')).stdout), { labels: { team: 'api' }, annotations: {} });

  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'test/echo:1', namespace: 'staging' }));
  t.match(await cli('list', '-n', 'staging'), { code: 0, stdout: /echo/ });
  t.notMatch((await cli('list')).stdout, /echo/, 'not in the default namespace');
  t.match(await cli('describe', 'echo', '-n', 'staging'), { code: 0, stdout: /echo/ });
  t.match(await cli('namespace', 'remove', 'staging'), { code: 1, stderr: /still has functions/ });
  await provider.remove({ name: 'echo', namespace: 'staging' });
  t.match(await cli('namespace', 'remove', 'staging'), { code: 0, stdout: /removed/ });
  t.match(await cli('namespace', 'describe', 'staging'), { code: 1, stderr: /No such namespace: staging/ });
  t.match(await cli('namespace', 'frobnicate'), { code: 2, stderr: /unknown namespace action/ });
});
