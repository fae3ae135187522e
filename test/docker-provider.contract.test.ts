/**
 * The FunctionProvider contract against the real Docker engine, plus what only Docker can show: secrets mounted
 * in the container (and updated in place), the sandbox (read-only root, limits, dropped capabilities, user), crash replacement, shared
 * state between provider instances, restart recovery and the refusal of an image it may not pull.
 */
import { rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import t from 'tap';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import type { LogEntry } from '@funtainer/gateway/provider/provider';
import { eventually, runProviderContract } from '@funtainer/gateway/provider/provider.contract';
import { docker } from './helpers/docker.js';
import { invoke, setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';

// Real containers: the whole file needs more than tap's default 30 s.
t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);
if (fixture) {
  const { run, spec, makeProvider, image } = fixture;
  const fnOf = (name: string) => ({ name, namespace: DEFAULT_NAMESPACE });
  /** A started provider, closed when the test ends. */
  const startedProvider = async (t: { teardown(fn: () => unknown): void }) => {
    const provider = await makeProvider();
    await provider.start();
    t.teardown(() => provider.close());
    return provider;
  };

  await runProviderContract(t, 'docker', () => makeProvider(), {
    baseSpec: { image, envProcess: 'node handler.js' },
    uniqueName: run.uniqueName,
    readyDeadlineMs: 30_000,
  });

  t.test('docker: deploy-to-ready, secrets, sandbox, limits, env', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('sandbox');
    const secret = run.uniqueName('api-key');
    await provider.createSecret({ name: secret, namespace: DEFAULT_NAMESPACE, value: Buffer.from('top-secret') });
    const started = Date.now();
    await provider.deploy(spec(service, {
      secrets: [secret], limits: { memory: '128Mi', cpu: '500m' }, envVars: { GREETING: 'hello' }, labels: { 'com.funtainer.timeout': '5s' },
    }));
    const deployMs = Date.now() - started;
    t.teardown(() => provider.remove(fnOf(service)).catch(() => {}));
    const [endpoint] = provider.endpoints(fnOf(service)) ?? [];
    t.ok(endpoint, 'ready endpoint when deploy returns');
    t.comment(`deploy-to-ready: ${deployMs} ms`);
    if (!endpoint) return;

    const secretRead = await invoke(endpoint.url, `secret=${secret}`);
    t.equal(secretRead.status, 200);
    t.equal(secretRead.json['secret'], 'top-secret', 'secret readable at /var/openfaas/secrets/<name>');
    t.equal(secretRead.json['uid'], 1000, 'runs as uid 1000');
    t.match(secretRead.json['env'], { GREETING: 'hello', exec_timeout: '5000ms' }, 'envVars and watchdog timeout from the label');
    const writes = await invoke(endpoint.url, 'write=1');
    t.same(writes.json['writable'], { root: 'EROFS', tmp: 'ok' }, 'root read-only, /tmp writable');

    const inspected = JSON.parse(await docker(['inspect', endpoint.id]))[0];
    t.match(inspected.HostConfig, {
      Memory: 128 * 1024 * 1024, NanoCpus: 500_000_000, PidsLimit: 256, CapDrop: ['ALL'], ReadonlyRootfs: true, RestartPolicy: { Name: 'no' },
    });
    t.ok(inspected.HostConfig.SecurityOpt.some((o: string) => o.startsWith('no-new-privileges')), 'no-new-privileges');
    t.equal(inspected.Config.User, '1000:1000');
    t.ok(inspected.Config.Env.includes('fprocess=node handler.js'), 'envProcess → fprocess');
    t.match(inspected.Config.Labels, { 'com.funtainer.function': service, 'com.funtainer.namespace': DEFAULT_NAMESPACE, 'com.funtainer.generation': '1', 'com.funtainer.replica': '0' });
    const networks = Object.keys(inspected.NetworkSettings.Networks);
    t.equal(networks.length, 1, 'on one network');
    t.ok(networks[0]?.startsWith(`${run.network}-${DEFAULT_NAMESPACE}-${service}`), `its function's own network: ${networks[0]}`);
    t.ok(inspected.HostConfig.Mounts.some((m: { Target: string; ReadOnly: boolean }) => m.Target === '/var/openfaas/secrets' && m.ReadOnly), 'secrets directory mounted read-only');
    await provider.deleteSecret({ name: secret, namespace: DEFAULT_NAMESPACE });
  });

  t.test('docker: an updated secret reaches the running replica without a restart; remove deletes its directory', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('rotate');
    const ref = { name: run.uniqueName('token'), namespace: DEFAULT_NAMESPACE };
    await provider.createSecret({ ...ref, value: Buffer.from('v1') });
    t.teardown(() => provider.deleteSecret(ref).catch(() => {}));
    await provider.deploy(spec(service, { secrets: [ref.name] }));
    t.teardown(() => provider.remove(fnOf(service)).catch(() => {}));
    const [endpoint] = provider.endpoints(fnOf(service)) ?? [];
    if (!endpoint) return t.fail('no endpoint');
    t.equal((await invoke(endpoint.url, `secret=${ref.name}`)).json['secret'], 'v1', 'read through the function');
    const before = JSON.parse(await docker(['inspect', endpoint.id]))[0];
    const mount = before.HostConfig.Mounts.find((m: { Target: string }) => m.Target === '/var/openfaas/secrets');
    t.ok(mount?.Source, 'secrets directory mounted');

    const updatedAt = Date.now();
    await provider.updateSecret({ ...ref, value: Buffer.from('v2') });
    const seen = await eventually(async () => {
      const reply = await invoke(endpoint.url, `secret=${ref.name}`);
      return reply.json['secret'] === 'v2' ? reply : undefined;
    }, 2_000, 'new value read by the running replica');
    t.comment(`updated secret visible in the replica ${Date.now() - updatedAt} ms after updateSecret`);
    t.ok(seen, 'read v2');
    t.same(provider.endpoints(fnOf(service))?.map((e) => e.id), [endpoint.id], 'the same replica, not restarted');
    t.equal(JSON.parse(await docker(['inspect', endpoint.id]))[0].State.StartedAt, before.State.StartedAt, 'its process was not restarted');

    // Another provider instance (a second gateway) updates it: the copies live on disk, not in one process.
    const second = await makeProvider();
    t.teardown(() => second.close());
    await second.updateSecret({ ...ref, value: Buffer.from('v3') });
    await eventually(async () => ((await invoke(endpoint.url, `secret=${ref.name}`)).json['secret'] === 'v3' ? true : undefined), 2_000, 'v3 from the second provider');

    // Directory wiped and replica lost (as after a host reboot): the replacement's directory is made before it starts.
    await rm(dirname(mount.Source), { recursive: true, force: true });
    await docker(['kill', endpoint.id]);
    const [replacement] = await eventually(() => {
      const eps = provider.endpoints(fnOf(service));
      return eps?.length === 1 && eps[0]?.id !== endpoint.id ? eps : undefined;
    }, 20_000, 'replacement replica');
    t.equal((await invoke(replacement?.url ?? '', `secret=${ref.name}`)).json['secret'], 'v3', 'replacement reads the recreated directory');

    await provider.remove(fnOf(service));
    await t.rejects(stat(mount.Source), { code: 'ENOENT' }, 'generation directory gone');
    await t.rejects(stat(dirname(mount.Source)), { code: 'ENOENT' }, 'function directory gone');
  });

  t.test('docker: readOnlyRootFilesystem false opens the root filesystem, nothing else', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('writable');
    await provider.deploy(spec(service, { readOnlyRootFilesystem: false }));
    t.teardown(() => provider.remove(fnOf(service)).catch(() => {}));
    t.equal((await provider.get(fnOf(service)))?.readOnlyRootFilesystem, false, 'reported as asked');
    const [endpoint] = provider.endpoints(fnOf(service)) ?? [];
    if (!endpoint) return t.fail('no endpoint');
    const writes = await invoke(endpoint.url, 'write=1');
    // uid 1000 may still lack permission on `/` itself (EACCES): what matters is that the filesystem is not read-only.
    const writable = writes.json['writable'] as { root?: string; tmp?: string } | null;
    t.not(writable?.root, 'EROFS', `root filesystem writable (the write said ${writable?.root})`);
    t.equal(writable?.tmp, 'ok', '/tmp writable');
    const inspected = JSON.parse(await docker(['inspect', endpoint.id]))[0];
    t.match(inspected.HostConfig, { ReadonlyRootfs: false, CapDrop: ['ALL'] });
    t.equal(inspected.Config.User, '1000:1000', 'still non-root');
  });

  t.test('docker: a killed replica is replaced', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('crash');
    const fn = fnOf(service);
    await provider.deploy(spec(service));
    t.teardown(() => provider.remove(fn).catch(() => {}));
    const [victim] = provider.endpoints(fn) ?? [];
    if (!victim) return t.fail('no endpoint');
    const killedAt = Date.now();
    await docker(['kill', victim.id]);
    await eventually(() => (provider.endpoints(fn)?.some((e) => e.id === victim.id) ? undefined : true), 5_000, 'killed replica out of endpoints');
    t.comment(`killed replica left the endpoints after ${Date.now() - killedAt} ms`);
    const [replacement] = await eventually(() => {
      const eps = provider.endpoints(fn);
      return eps?.length === 1 && eps[0]?.id !== victim.id ? eps : undefined;
    }, 20_000, 'replacement replica');
    t.comment(`replacement ready ${Date.now() - killedAt} ms after the kill`);
    t.equal((await invoke(replacement?.url ?? '')).status, 200, 'replacement serves');
  });

  t.test('docker: a second provider sees the same functions; restart keeps them invokable', async (t) => {
    const first = await makeProvider();
    await first.start();
    const service = run.uniqueName('shared');
    const fn = fnOf(service);
    await first.deploy(spec(service, { envVars: { VERSION: 'shared' } }));
    t.teardown(() => first.remove(fn).catch(() => {}));
    const second = await makeProvider();
    await second.start();
    t.teardown(() => second.close());
    t.match(await second.get(fn), { name: service, replicas: 1, envVars: { VERSION: 'shared' } }, 'second instance reads the definition');
    t.same(second.endpoints(fn)?.map((e) => e.id), first.endpoints(fn)?.map((e) => e.id), 'same replica, adopted');
    await first.scale(fn, 0);
    t.match(await second.get(fn), { replicas: 0 }, 'scaled to 0 still listed');
    await first.scale(fn, 1);
    const before = first.endpoints(fn)?.map((e) => e.id);
    await first.close();

    const restarted = await makeProvider();
    const startedAt = Date.now();
    await restarted.start();
    t.comment(`restart: start() took ${Date.now() - startedAt} ms`);
    t.teardown(() => restarted.close());
    const eps = restarted.endpoints(fn);
    t.same(eps?.map((e) => e.id), before, 'same replicas serve after restart');
    const reply = await invoke(eps?.[0]?.url ?? '');
    t.match(reply, { status: 200, json: { echo: 'hi', env: { VERSION: 'shared' } } });
    await restarted.remove(fn);
  });

  t.test('docker: an unknown image, no registry configured: IMAGE_NOT_PULLABLE naming the image, no pull', async (t) => {
    const provider = await startedProvider(t);
    const image = `registry.invalid/funtainer/missing-${run.runId}:1`;
    await t.rejects(provider.deploy(spec(run.uniqueName('nopull'), { image })), {
      code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', statusCode: 400, message: new RegExp(image.replace(/[./]/g, '\\$&')),
    });
    t.equal(await provider.get(fnOf(run.uniqueName('nopull'))), undefined, 'nothing stored');
  });

  t.test('docker: logs of the replicas', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('logs');
    const fn = fnOf(service);
    await provider.deploy(spec(service));
    t.teardown(() => provider.remove(fn).catch(() => {}));
    const [endpoint] = provider.endpoints(fn) ?? [];
    await invoke(endpoint?.url ?? '');
    const entries = await eventually(async () => {
      const got = [];
      for await (const e of provider.logs({ ...fn, follow: false, signal: AbortSignal.timeout(5_000) })) got.push(e);
      return got.length > 0 ? got : undefined;
    }, 5_000, 'log lines');
    t.match(entries[0], { name: service, namespace: DEFAULT_NAMESPACE, instance: endpoint?.id.slice(0, 12), timestamp: String, text: String });
    const controller = new AbortController();
    const followed = (async () => {
      let n = 0;
      for await (const _ of provider.logs({ ...fn, follow: true, tail: 1, signal: controller.signal })) n++;
      return n;
    })();
    setTimeout(() => controller.abort(), 300);
    const abortedAt = Date.now();
    t.ok((await followed) >= 1, 'follow yields the tail');
    t.ok(Date.now() - abortedAt < 2_000, 'follow stops promptly on abort');

    // tail N is N lines of the function, not N per replica.
    await provider.scale(fn, 2);
    await eventually(() => ((provider.endpoints(fn)?.length ?? 0) === 2 ? true : undefined), 30_000, 'two replicas');
    const perReplica = await eventually(async () => {
      const instances = new Set<string>();
      for await (const e of provider.logs({ ...fn, follow: false, signal: AbortSignal.timeout(5_000) })) instances.add(e.instance);
      return instances.size === 2 ? instances : undefined;
    }, 10_000, 'lines from both replicas');
    t.equal(perReplica.size, 2);
    const tailed = [];
    for await (const e of provider.logs({ ...fn, follow: false, tail: 1, signal: AbortSignal.timeout(5_000) })) tailed.push(e);
    t.equal(tailed.length, 1, '--tail 1 gives one line in total');
  });

  t.test('docker: a log follow picks up a replica started after it began', async (t) => {
    const provider = await startedProvider(t);
    const service = run.uniqueName('logs-follow');
    const fn = fnOf(service);
    await provider.deploy(spec(service));
    t.teardown(() => provider.remove(fn).catch(() => {}));
    const [first] = provider.endpoints(fn) ?? [];
    if (!first) return t.fail('no endpoint');
    const controller = new AbortController();
    t.teardown(() => controller.abort());
    const entries: LogEntry[] = [];
    // tail 0: nothing of the first replica's past, so whatever arrives is new to this follow.
    const followed = (async () => {
      for await (const e of provider.logs({ ...fn, follow: true, tail: 0, signal: controller.signal })) entries.push(e);
    })();
    await provider.scale(fn, 2);
    const added = provider.endpoints(fn)?.find((e) => e.id !== first.id);
    if (!added) return t.fail('no second replica');
    t.equal((await invoke(added.url)).status, 200, 'the new replica serves');
    const instance = added.id.slice(0, 12);
    const startedAt = Date.now();
    await eventually(() => (entries.some((e) => e.instance === instance) ? true : undefined), 10_000, 'lines of the new replica on the follow');
    t.comment(`new replica's lines on the follow ${Date.now() - startedAt} ms after its invocation`);
    t.match(entries.find((e) => e.instance === instance), { name: service, namespace: DEFAULT_NAMESPACE, timestamp: String, text: String });
    const keys = entries.map((e) => `${e.instance} ${e.timestamp} ${e.text}`);
    t.equal(new Set(keys).size, keys.length, 'no line twice');
    const abortedAt = Date.now();
    controller.abort();
    await followed;
    t.ok(Date.now() - abortedAt < 2_000, 'the follow ends promptly on abort');
  });
}
