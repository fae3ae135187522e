/**
 * The hard requirement of rolling updates and scale-down: no failed request under steady load. A small load loop
 * plays the gateway: it picks endpoints from `provider.endpoints()` per request and reports in-flight counts
 * through the `inFlight` option, exactly as the gateway is expected to.
 */
import t from 'tap';
import { DEFAULT_NAMESPACE } from '@funtainer/core/names';
import type { FunctionProvider } from '@funtainer/gateway/provider/provider';
import { invoke, setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';

t.setTimeout(300_000);
const fixture = await setUpDockerProviderFixture(t);

interface LoadResult {
  ok: number;
  failures: string[];
  versions: Set<string>;
}

/** `workers` concurrent request loops until `stop` resolves. */
async function load(provider: FunctionProvider, inFlight: Map<string, number>, fn: { name: string; namespace: string }, workers: number, stop: Promise<void>): Promise<LoadResult> {
  const result: LoadResult = { ok: 0, failures: [], versions: new Set() };
  let stopped = false;
  void stop.then(() => (stopped = true));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const endpoints = provider.endpoints(fn) ?? [];
      const endpoint = endpoints[next++ % Math.max(1, endpoints.length)];
      if (!endpoint) {
        result.failures.push('no endpoint');
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      // Counted synchronously with the pick, so a drain that starts after the pick sees this request.
      inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 0) + 1);
      try {
        const reply = await invoke(endpoint.url, '', 'load');
        if (reply.status === 200) {
          result.ok++;
          result.versions.add(String((reply.json['env'] as Record<string, unknown>)['VERSION']));
        } else result.failures.push(`HTTP ${reply.status}`);
      } catch (err) {
        const still = (provider.endpoints(fn) ?? []).some((e) => e.id === endpoint.id);
        result.failures.push(`${Date.now() % 100000} ${endpoint.id.slice(0, 8)} ${endpoint.url} listed=${still} ${err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)}`);
      } finally {
        inFlight.set(endpoint.id, (inFlight.get(endpoint.id) ?? 1) - 1);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return result;
}

if (fixture) {
  t.test('docker: rolling update and scale-down under load fail no request', async (t) => {
    const inFlight = new Map<string, number>();
    const provider = await fixture.makeProvider({ inFlight: (id) => inFlight.get(id) ?? 0, drainMs: 0 });
    await provider.start();
    t.teardown(() => provider.close());
    const service = fixture.run.uniqueName('rollout');
    const fn = { name: service, namespace: DEFAULT_NAMESPACE };
    await provider.deploy(fixture.spec(service, { envVars: { VERSION: '1' } }));
    t.teardown(() => provider.remove(fn).catch(() => {}));
    await provider.scale(fn, 2);

    let finish!: () => void;
    const stop = new Promise<void>((resolve) => (finish = resolve));
    const running = load(provider, inFlight, fn, 4, stop);
    const timings: string[] = [];
    const timed = async (what: string, action: () => Promise<void>): Promise<void> => {
      const started = Date.now();
      await action();
      timings.push(`${what} ${Date.now() - started} ms`);
    };
    await new Promise((r) => setTimeout(r, 300));
    await timed('update 2 replicas', () => provider.update(fixture.spec(service, { envVars: { VERSION: '2' } })));
    await timed('scale 2→1', () => provider.scale(fn, 1));
    await timed('update 1 replica', () => provider.update(fixture.spec(service, { envVars: { VERSION: '3' } })));
    await new Promise((r) => setTimeout(r, 300));
    finish();
    const result = await running;
    t.comment(`${result.ok} requests; ${timings.join(', ')}`);
    t.same(result.failures.slice(0, 5), [], 'no failed request');
    t.ok(result.ok > 50, 'the load actually ran');
    t.ok(result.versions.has('1') && result.versions.has('2') && result.versions.has('3'), 'every version served');
    t.match(await provider.get(fn), { replicas: 1, availableReplicas: 1, envVars: { VERSION: '3' } });
  });
}
