import t from 'tap';
import { request as httpRequest } from 'node:http';
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

/** An upstream for the streaming cases, written to a temp file so fprocess can run it. */
const STREAM_UPSTREAM = `
import { createServer } from 'node:http';
let aborted = 0;
const server = createServer((req, res) => {
  if (req.url === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: one\\n\\n');
    const timer = setTimeout(() => res.end('data: two\\n\\n'), 1500);
    res.on('close', () => clearTimeout(timer));
    return;
  }
  if (req.url === '/hang') {
    req.resume();
    res.on('close', () => { if (!res.writableFinished) aborted++; });
    return;
  }
  if (req.url === '/aborted') return res.end(String(aborted));
  if (req.url === '/empty') { res.writeHead(204); return res.end(); }
  if (req.url === '/hop') {
    res.writeHead(200, { connection: 'keep-alive, X-Hop', 'x-hop': '1', 'x-kept': '1', 'x-req-secret': String(req.headers['x-secret']), 'x-req-other': String(req.headers['x-other']) });
    return res.end();
  }
  // echo: streams the request body back (chunked), with what framing the request arrived in
  res.writeHead(200, { 'x-te': String(req.headers['transfer-encoding']), 'x-cl': String(req.headers['content-length']) });
  req.pipe(res);
});
server.listen(Number(process.argv[2]), '127.0.0.1');
`;

async function startStreamMode(t: { teardown(fn: () => unknown): void }) {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const file = join(mkdtempSync(join(tmpdir(), 'wd-http-')), 'upstream.mjs');
  writeFileSync(file, STREAM_UPSTREAM);
  const upstreamPort = await freePort();
  return startTestWatchdog(t, { mode: 'http', fprocess: `${process.execPath} ${file} ${upstreamPort}`, upstream_url: `http://127.0.0.1:${upstreamPort}` });
}

t.test('large bodies stream both ways; chunked requests stay chunked; keep-alive reuse', async (t) => {
  const wd = await startStreamMode(t);
  const big = Buffer.alloc(3 * 1024 * 1024, 'abcdefgh');
  const res = await send(wd.port, { body: big });
  t.equal(res.status, 200);
  t.equal(res.headers['x-cl'], String(big.length), 'content-length forwarded');
  t.ok(res.body.equals(big), 'body round-trips');
  const small = await send(wd.port, { body: 'tiny' });
  t.equal(small.text, 'tiny');
  t.equal(small.headers['x-cl'], '4');
  const chunked = await new Promise<{ text: string; te: string | undefined }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: wd.port, method: 'POST', path: '/', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ text, te: res.headers['x-te'] as string | undefined }));
    });
    req.on('error', reject);
    req.write('part1-');
    setTimeout(() => req.end('part2'), 50);
  });
  t.equal(chunked.text, 'part1-part2');
  t.equal(chunked.te, 'chunked');
  const many = await Promise.all(Array.from({ length: 50 }, (_, i) => send(wd.port, { body: `n${i}` })));
  t.same(many.map((r) => r.text), Array.from({ length: 50 }, (_, i) => `n${i}`));
  t.equal((await send(wd.port, { method: 'GET', path: '/empty' })).status, 204);
  const head = await send(wd.port, { method: 'HEAD', path: '/empty' });
  t.equal(head.status, 204);
});

t.test('headers named in Connection go no further, in either direction', async (t) => {
  const wd = await startStreamMode(t);
  const res = await send(wd.port, { method: 'GET', path: '/hop', headers: { connection: 'keep-alive, X-Secret', 'x-secret': 's', 'x-other': 'o' } });
  t.equal(res.status, 200);
  t.equal(res.headers['x-req-secret'], 'undefined', 'request header named in Connection was not forwarded');
  t.equal(res.headers['x-req-other'], 'o', 'other request headers were');
  t.equal(res.headers['x-hop'], undefined, 'response header named in Connection was not forwarded');
  t.equal(res.headers['x-kept'], '1');
});

t.test('event streams are flushed as they come', async (t) => {
  const wd = await startStreamMode(t);
  const first = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: wd.port, method: 'GET', path: '/sse', agent: false }, (res) => {
      res.setEncoding('utf8');
      res.once('data', (c: string) => {
        resolve(c);
        req.destroy();
      });
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(first, 'data: one\n\n', 'first event arrives before the stream ends');
});

t.test('client abort cancels the upstream request', async (t) => {
  const wd = await startStreamMode(t);
  const req = httpRequest({ host: '127.0.0.1', port: wd.port, method: 'POST', path: '/hang', agent: false });
  req.on('error', () => {});
  req.end('x');
  await new Promise((r) => setTimeout(r, 200));
  req.destroy();
  await waitFor(() => wd.metrics.inFlight === 0);
  let count = '';
  await waitFor(() => {
    void send(wd.port, { method: 'GET', path: '/aborted' }).then((r) => (count = r.text));
    return count === '1';
  });
  t.equal(count, '1');
});
