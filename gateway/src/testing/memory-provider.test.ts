import t from 'tap';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { MemoryProvider } from './memory-provider.js';
import { runProviderContract } from '../provider/provider.contract.js';

await runProviderContract(t, 'memory', async () => new MemoryProvider(), { baseSpec: { image: 'example/echo:1', envProcess: 'node index.js' } });

const fn = { name: 'echo', namespace: DEFAULT_NAMESPACE };

t.test('endpoint URLs come from the option', async (t) => {
  const provider = new MemoryProvider({ endpointUrl: (_fn, _id, index) => `http://127.0.0.1:${9000 + index}` });
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'x', labels: { 'com.openfaas.scale.min': '2' } }));
  t.same(provider.endpoints(fn)?.map((e) => e.url), ['http://127.0.0.1:9000', 'http://127.0.0.1:9001']);
});

t.test('autoReady false keeps replicas unready until markReady', async (t) => {
  const provider = new MemoryProvider({ autoReady: false });
  const events: number[] = [];
  provider.onEndpointsChanged((_fn, eps) => events.push(eps.length));
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'x' }));
  t.same(provider.endpoints(fn), []);
  t.match(await provider.get(fn), { replicas: 1, availableReplicas: 0 });
  provider.markReady(fn);
  t.equal(provider.endpoints(fn)?.length, 1);
  t.same(events, [0, 1]);
});

t.test('logs: tail per instance, since, follow until abort', async (t) => {
  const provider = new MemoryProvider();
  await provider.deploy(FunctionDeploymentSchema.parse({ service: 'echo', image: 'x' }));
  provider.appendLog(fn, 'old', { instance: 'a', timestamp: new Date('2020-01-01T00:00:00Z') });
  provider.appendLog(fn, 'one', { instance: 'a' });
  provider.appendLog(fn, 'two', { instance: 'a' });
  provider.appendLog(fn, 'three', { instance: 'b' });
  const texts = async (q: { tail?: number; since?: Date }): Promise<string[]> => {
    const out: string[] = [];
    for await (const e of provider.logs({ ...fn, follow: false, signal: new AbortController().signal, ...q })) out.push(e.text);
    return out;
  };
  t.same(await texts({}), ['old', 'one', 'two', 'three']);
  t.same(await texts({ tail: 1 }), ['two', 'three']);
  t.same(await texts({ since: new Date('2021-01-01T00:00:00Z') }), ['one', 'two', 'three']);

  const controller = new AbortController();
  const followed: string[] = [];
  const done = (async () => {
    for await (const e of provider.logs({ ...fn, follow: true, tail: 0, signal: controller.signal })) {
      followed.push(e.text);
      if (followed.length === 2) controller.abort();
    }
  })();
  await new Promise((r) => setTimeout(r, 5));
  provider.appendLog(fn, 'live-1');
  provider.appendLog(fn, 'live-2');
  await done;
  t.same(followed, ['live-1', 'live-2']);

  const missing = provider.logs({ name: 'nope', namespace: DEFAULT_NAMESPACE, follow: false, signal: controller.signal });
  await t.rejects(missing[Symbol.asyncIterator]().next(), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND' });
});

t.test('secretValue exposes stored bytes for tests; unknown namespace rejected', async (t) => {
  const provider = new MemoryProvider();
  await provider.createSecret({ name: 'k', namespace: DEFAULT_NAMESPACE, value: Buffer.from('v') });
  t.equal(provider.secretValue({ name: 'k', namespace: DEFAULT_NAMESPACE })?.toString(), 'v');
  await t.rejects(provider.createSecret({ name: 'k', namespace: 'other', value: Buffer.from('v') }), { code: 'FUNTAINER_ERR_BAD_REQUEST' });
  await t.rejects(provider.deploy(FunctionDeploymentSchema.parse({ service: 'x', image: 'x', namespace: 'other' })), { code: 'FUNTAINER_ERR_INVALID_SPEC' });
});
