import t from 'tap';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { ManualClock } from './clock.js';
import { LoadRing } from './load-ring.js';
import { createMetricsSource } from './create-metrics-source.js';
import { MetricsUnavailableError } from './metrics-source.js';
import { runMetricsSourceContract } from './metrics-source.contract.js';
import { registryLoadCounters } from './registry-load-counters.js';

t.test('load ring: rates over windows, counter reset, bounded history', async (t) => {
  const ring = new LoadRing(4);
  t.equal(ring.ratePerSecond(60_000), 0, 'no samples');
  ring.push({ atMs: 0, requestsTotal: 0, inFlight: 2 });
  t.equal(ring.ratePerSecond(60_000), 0, 'one sample is not a rate');
  ring.push({ atMs: 2_000, requestsTotal: 20, inFlight: 4 });
  ring.push({ atMs: 4_000, requestsTotal: 100, inFlight: 6 });
  t.equal(ring.ratePerSecond(60_000), 25);
  t.equal(ring.ratePerSecond(2_000), 40, 'panic window sees only the last step');
  t.equal(ring.averageInFlight(60_000), 4);
  ring.push({ atMs: 6_000, requestsTotal: 10, inFlight: 0 });
  t.equal(ring.ratePerSecond(2_000), 5, 'counter reset counts from zero');
  ring.push({ atMs: 8_000, requestsTotal: 30, inFlight: 0 });
  t.equal(ring.averageInFlight(60_000), 2.5, 'oldest sample overwritten (capacity 4)');
  t.throws(() => new LoadRing(1));
});

t.test('local source samples counters every read and forgets removed functions', async (t) => {
  const clock = new ManualClock();
  const counts = new Map<string, { requestsTotal: number; inFlight: number }>([['a.openfaas-fn', { requestsTotal: 0, inFlight: 0 }]]);
  const source = createMetricsSource({ kind: 'local', counters: { snapshot: () => counts }, clock });
  t.equal(source.kind, 'local');
  await source.read();
  for (let i = 1; i <= 30; i++) {
    await clock.advance(2_000);
    counts.set('a.openfaas-fn', { requestsTotal: i * 200, inFlight: 3 });
    await source.read();
  }
  const reading = (await source.read()).get('a.openfaas-fn');
  t.equal(reading?.rps.stable, 100, '200 requests per 2 s');
  t.equal(reading?.rps.panic, 100);
  t.equal(reading?.inFlight.panic, 3);
  counts.clear();
  t.equal((await source.read()).size, 0);
});

async function fakePrometheus(t: { teardown(fn: () => unknown): void }, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

t.test('prometheus source: merges the four queries per function', async (t) => {
  const seen: string[] = [];
  const url = await fakePrometheus(t, (req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    seen.push(query);
    const value = query.includes('[60s]') ? (query.includes('rate') ? '12.5' : '1.5') : query.includes('rate') ? '40' : 'NaN';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { function_name: 'a.openfaas-fn' }, value: [1, value] }] } }));
  });
  const readings = await createMetricsSource({ kind: 'prometheus', url: `${url}/` }).read();
  t.same(readings.get('a.openfaas-fn'), { rps: { stable: 12.5, panic: 40 }, inFlight: { stable: 1.5, panic: 0 } });
  t.equal(seen.length, 4);
  t.ok(seen.includes('sum by (function_name) (rate(gateway_function_invocation_started[6s]))'));
});

const failures: Array<[string, Parameters<typeof createServer>[1], string]> = [
  ['http 500', (_q, res) => { res.statusCode = 500; res.end('boom'); }, 'http-status'],
  ['not JSON', (_q, res) => res.end('<html>'), 'bad-response'],
  ['query error', (_q, res) => res.end(JSON.stringify({ status: 'error', error: 'parse error' })), 'bad-response'],
  ['too slow', () => undefined, 'timeout'],
];
for (const [name, handler, reason] of failures) {
  t.test(`prometheus source maps failures once: ${name} → ${reason}`, async (t) => {
    const url = await fakePrometheus(t, handler);
    const source = createMetricsSource({ kind: 'prometheus', url, timeoutMs: 200 });
    const err = await source.read().then(() => undefined, (e: unknown) => e);
    t.ok(err instanceof MetricsUnavailableError);
    t.equal((err as MetricsUnavailableError).reason, reason);
  });
}

t.test('prometheus source: unreachable', async (t) => {
  const source = createMetricsSource({ kind: 'prometheus', url: 'http://127.0.0.1:1', timeoutMs: 500 });
  const err = await source.read().then(() => undefined, (e: unknown) => e);
  t.equal((err as MetricsUnavailableError).reason, 'unreachable');
});

t.test('local source passes the MetricsSource contract', async (t) => {
  await runMetricsSourceContract(
    t,
    'local',
    async () => {
      const registry = new Registry();
      return { kind: 'local', registry, source: createMetricsSource({ kind: 'local', counters: registryLoadCounters(registry) }) };
    },
    { convergeDeadlineMs: 15_000, hasBackend: false },
  );
});
