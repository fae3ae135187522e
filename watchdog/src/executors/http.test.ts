import t from 'tap';
import { createServer } from 'node:net';
import { fixture, send, startTestWatchdog, waitFor } from '../testing/harness.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startHttpMode(t: { teardown(fn: () => unknown): void }, extra: Record<string, string> = {}) {
  const upstreamPort = await freePort();
  return startTestWatchdog(t, {
    mode: 'http',
    fprocess: `${process.execPath} ${fixture('http-upstream.mjs')} ${upstreamPort}`,
    upstream_url: `http://127.0.0.1:${upstreamPort}`,
    ...extra,
  });
}

t.test('proxies method, path, query, headers and body; adds X-Duration-Seconds', async (t) => {
  const wd = await startHttpMode(t);
  const res = await send(wd.port, { method: 'PUT', path: '/a/b?c=1', headers: { 'x-call-id': 'abc', 'content-type': 'text/plain' }, body: 'payload' });
  t.equal(res.status, 200);
  t.equal(res.headers['x-upstream'], 'yes');
  t.match(res.headers['x-duration-seconds'], /^\d+\.\d{6}$/);
  const echoed = JSON.parse(res.text);
  t.equal(echoed.method, 'PUT');
  t.equal(echoed.url, '/a/b?c=1');
  t.equal(echoed.body, 'payload');
  t.equal(echoed.headers['x-call-id'], 'abc');
  t.equal(echoed.headers.host, `127.0.0.1:${wd.port}`, 'Host preserved');
  const custom = await send(wd.port, { path: '/status/418' });
  t.equal(custom.status, 418, 'function status passes through');
  t.notOk(custom.headers['x-openfaas-internal']);
});

t.test('stdout of the long-lived process is logged', async (t) => {
  const wd = await startHttpMode(t);
  await waitFor(() => wd.childLines.some((l) => l.startsWith('stdout|') && l.includes('upstream listening')));
  t.pass('logged');
});

t.test('exec_timeout → 504 internal; X-Timeout shortens it', async (t) => {
  const wd = await startHttpMode(t, { exec_timeout: '400ms' });
  const res = await send(wd.port, { path: '/slow?ms=3000' });
  t.equal(res.status, 504);
  t.equal(res.headers['x-openfaas-internal'], 'of-watchdog');
  t.ok(res.headers['x-duration-seconds']);
  t.equal((await send(wd.port, { path: '/slow?ms=50' })).status, 200);
  t.equal((await send(wd.port, { path: '/slow?ms=200', headers: { 'x-timeout': '50ms' } })).status, 504);
});

t.test('child exit is fatal; connect errors answer 500 internal', async (t) => {
  const wd = await startHttpMode(t);
  await send(wd.port, { path: '/exit' });
  await waitFor(() => wd.fatalErrors.length === 1);
  t.equal(wd.fatalErrors[0]?.code, 'FAAS_ERR_CHILD_EXITED');
  const res = await send(wd.port);
  t.equal(res.status, 500);
  t.equal(res.headers['x-openfaas-internal'], 'of-watchdog');
});
