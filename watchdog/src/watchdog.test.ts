import t from 'tap';
import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { fixture, send, startTestWatchdog, waitFor } from './testing/harness.js';

const slowModule = { mode: 'module', handler: fixture('handler-slow.cjs') };

/** Starts a request and returns a promise of its status, without waiting here. */
function startSlowRequest(port: number, ms: number): Promise<number> {
  return send(port, { path: `/?ms=${ms}`, deadlineMs: 15_000 }).then((r) => r.status);
}

t.test('lock file and health/ready after start', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'module', handler: fixture('handler-hello.cjs') });
  t.ok(existsSync(wd.lockPath), 'lock written after listen');
  t.equal((await send(wd.port, { method: 'GET', path: '/_/health' })).status, 200);
  t.equal((await send(wd.port, { method: 'GET', path: '/_/ready' })).text, 'OK');
  t.equal((await send(wd.port, { method: 'POST', path: '/_/health' })).status, 405);
  rmSync(wd.lockPath);
  t.equal((await send(wd.port, { method: 'GET', path: '/_/health' })).status, 503, 'lock removed → unhealthy');
  t.equal((await send(wd.port, { method: 'GET', path: '/_/ready' })).status, 503);
});

t.test('suppress_lock: no lock file, probes follow the accepting state', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'module', handler: fixture('handler-hello.cjs'), suppress_lock: 'true' });
  t.notOk(existsSync(wd.lockPath));
  t.equal((await send(wd.port, { method: 'GET', path: '/_/health' })).status, 200);
});

t.test('max_inflight: 429 with the OpenFaaS body; /_/ready answers 429 at the limit', async (t) => {
  const wd = await startTestWatchdog(t, { ...slowModule, max_inflight: '1' });
  const first = startSlowRequest(wd.port, 500);
  await waitFor(() => wd.metrics.inFlight === 1);
  const limited = await send(wd.port, { path: '/?ms=1' });
  t.equal(limited.status, 429);
  t.equal(limited.text, 'Concurrent request limit exceeded. Max concurrent requests: 1');
  t.equal(limited.headers['x-openfaas-internal'], 'faas-middleware');
  t.equal((await send(wd.port, { method: 'GET', path: '/_/ready' })).status, 429);
  t.equal(await first, 200);
  t.equal((await send(wd.port, { method: 'GET', path: '/_/ready' })).status, 200);
});

t.test('ready_path asks the function', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'module', handler: fixture('handler-echo-event.cjs'), ready_path: '/ready-check' });
  const res = await send(wd.port, { method: 'GET', path: '/_/ready' });
  t.equal(res.status, 200);
  t.equal(JSON.parse(res.text).path, '/ready-check');
});

t.test('metrics on the metrics port count function requests only', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'module', handler: fixture('handler-hello.cjs') });
  await send(wd.port);
  await send(wd.port);
  await send(wd.port, { method: 'GET', path: '/_/health' });
  const res = await send(wd.metricsPort, { method: 'GET', path: '/metrics' });
  t.equal(res.status, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0.0.4/);
  t.match(res.text, /http_requests_total\{code="200",method="post"\} 2\n/);
  t.match(res.text, /http_request_duration_seconds_count\{code="200",method="post"\} 2\n/);
  t.match(res.text, /http_requests_in_flight 0\n/);
  t.notMatch(res.text, /method="get"/, 'probes not counted');
  t.equal((await send(wd.metricsPort, { method: 'GET', path: '/other' })).status, 404);
});

t.test('shutdown: unready at once, in-flight finishes, lock removed, new connections refused', async (t) => {
  const wd = await startTestWatchdog(t, { ...slowModule, healthcheck_interval: '300ms', write_timeout: '5s' });
  const inflight = startSlowRequest(wd.port, 800);
  await waitFor(() => wd.metrics.inFlight === 1);
  const done = wd.shutdown();
  t.notOk(existsSync(wd.lockPath), 'lock deleted first');
  t.equal((await send(wd.port, { method: 'GET', path: '/_/ready' })).status, 503, 'still answering, but not ready');
  t.equal(await inflight, 200, 'in-flight request completed');
  await done;
  await t.rejects(send(wd.port, { method: 'GET', path: '/_/health', deadlineMs: 2000 }), 'listener closed');
});

t.test('shutdown is bounded by write_timeout when a request hangs', async (t) => {
  const wd = await startTestWatchdog(t, { ...slowModule, healthcheck_interval: '0', write_timeout: '300ms', exec_timeout: '0' });
  const hanging = new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port: wd.port, method: 'POST', path: '/?ms=4000', agent: false });
    req.on('response', () => resolve('answered'));
    req.on('error', () => resolve('cut'));
    req.end();
  });
  await waitFor(() => wd.metrics.inFlight === 1);
  const started = Date.now();
  await wd.shutdown();
  t.ok(Date.now() - started < 3000, `shutdown took ${Date.now() - started}ms`);
  t.equal(await hanging, 'cut');
});
