/**
 * The invocation path end to end on real sockets: gateway on port 0, MemoryProvider replicas pointing at
 * local upstream servers. Status codes, headers, pass-through, streaming and the admission limits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:http';
import t, { type Test } from 'tap';
import { BASIC, deployFunction, httpRequest, jsonOf, startGateway, startUpstream, TEST_CREDENTIALS, type Harness, type Upstream } from '../testing/gateway-harness.js';

async function setup(t: Test, handler: Parameters<typeof startUpstream>[0], options: Parameters<typeof startGateway>[0] = {}): Promise<{ h: Harness; up: Upstream }> {
  const up = await startUpstream(handler);
  const h = await startGateway({ endpointUrl: () => up.url, ...options });
  t.teardown(async () => {
    await h.close();
    await up.close();
  });
  return { h, up };
}

const echo: Parameters<typeof startUpstream>[0] = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-fn': 'echo' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
  });
};

t.test('passes method, sub-path, query and body through; strips hop-by-hop; adds call id and timing', async (t) => {
  const { h } = await setup(t, echo);
  await deployFunction(h.provider, { service: 'echo' });
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    const res = await httpRequest(`${h.url}/function/echo/a/b?x=1&y=%20`, {
      method,
      body: method === 'GET' ? undefined : 'payload',
      headers: { connection: 'keep-alive, x-private-hop', 'x-private-hop': '1', 'keep-alive': 'timeout=5', te: 'trailers', 'x-custom': 'kept' },
    });
    t.equal(res.status, 200, method);
    const seen = jsonOf(res) as { method: string; url: string; headers: Record<string, string>; body: string };
    t.equal(seen.method, method);
    t.equal(seen.url, '/a/b?x=1&y=%20');
    t.equal(seen.headers['x-custom'], 'kept');
    t.notOk(seen.headers['x-private-hop'], 'Connection-listed header dropped');
    t.notOk(seen.headers.te, 'te dropped');
    t.notOk(seen.headers['keep-alive'], 'keep-alive dropped');
    t.match(seen.headers['x-call-id'], /^[0-9a-f-]{36}$/);
    t.equal(res.headers['x-call-id'], seen.headers['x-call-id'], 'generated call id echoed');
    t.match(res.headers['x-start-time'], /^\d{19}$/, 'unix ns');
    t.match(res.headers['x-duration-seconds'], /^\d+\.\d+$/);
    t.ok(seen.headers['x-forwarded-for']);
    t.match(seen.headers['x-forwarded-host'], /^127\.0\.0\.1:\d+$/);
    if (method !== 'GET') t.equal(seen.body, 'payload');
  }
  const root = jsonOf(await httpRequest(`${h.url}/function/echo.openfaas-fn?q=2`)) as { url: string };
  t.equal(root.url, '/?q=2', 'name.namespace with query only');
  const slash = jsonOf(await httpRequest(`${h.url}/function/echo/`)) as { url: string };
  t.equal(slash.url, '/');
});

t.test('propagates a client call id and keeps X-Forwarded-For when present', async (t) => {
  const { h } = await setup(t, echo);
  await deployFunction(h.provider, { service: 'echo' });
  const res = await httpRequest(`${h.url}/function/echo`, { headers: { 'x-call-id': 'abc-123', 'x-forwarded-for': '10.0.0.1' } });
  const seen = jsonOf(res) as { headers: Record<string, string> };
  t.equal(seen.headers['x-call-id'], 'abc-123');
  t.equal(res.headers['x-call-id'], 'abc-123');
  t.equal(seen.headers['x-forwarded-for'], '10.0.0.1');
});

t.test("a function's own error status and body pass through untouched", async (t) => {
  const { h } = await setup(t, (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('boom'));
  await deployFunction(h.provider, { service: 'fails' });
  const res = await httpRequest(`${h.url}/function/fails`);
  t.equal(res.status, 500);
  t.equal(res.body, 'boom');
  t.notOk(res.headers['x-openfaas-internal']);
});

t.test('404 for unknown functions and bad names, with a code and call id', async (t) => {
  const { h } = await setup(t, echo);
  for (const path of ['/function/nope', '/function/nope.openfaas-fn/x', '/function/Bad_Name', '/function/']) {
    const res = await httpRequest(`${h.url}${path}`);
    t.equal(res.status, 404, path);
    t.equal(res.headers['x-openfaas-internal'], 'gateway');
    const body = jsonOf(res);
    t.match(body.code, /^FUNTAINER_ERR_(FUNCTION_)?NOT_FOUND$/);
    t.equal(body.statusCode, 404);
    t.type(body.callId, 'string');
  }
});

t.test('streams response chunks as the function writes them, and SSE', async (t) => {
  const { h } = await setup(t, (req, res) => {
    const sse = req.url === '/sse';
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'text/plain' });
    if (sse) res.flushHeaders();
    let n = 0;
    const timer = setInterval(() => {
      res.write(sse ? `data: ${n}\n\n` : `chunk ${n}\n`);
      if (++n === 5) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
  });
  await deployFunction(h.provider, { service: 'stream' });
  for (const path of ['/', '/sse']) {
    const arrivals: number[] = [];
    const start = Date.now();
    let headersAt = 0;
    await new Promise<void>((resolve, reject) => {
      request(`${h.url}/function/stream${path}`, (res) => {
        headersAt = Date.now() - start;
        res.on('data', () => arrivals.push(Date.now() - start));
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const total = Date.now() - start;
    t.ok(arrivals.length >= 4, `${path}: ${arrivals.length} separate chunks`);
    t.ok((arrivals[0] as number) < total - 250, `${path}: first chunk at ${arrivals[0]}ms, end at ${total}ms`);
    if (path === '/sse') t.ok(headersAt < 90, `SSE headers flushed early (${headersAt}ms)`);
  }
});

t.test('413 when the body is over max_body_bytes (declared or chunked)', async (t) => {
  const { h } = await setup(t, echo, { env: { max_body_bytes: '1024' } });
  await deployFunction(h.provider, { service: 'echo' });
  const big = 'x'.repeat(2048);
  const declared = await httpRequest(`${h.url}/function/echo`, { method: 'POST', body: big });
  t.equal(declared.status, 413);
  t.equal(jsonOf(declared).code, 'FUNTAINER_ERR_BODY_TOO_LARGE');
  const chunked = await httpRequest(`${h.url}/function/echo`, { method: 'POST', body: big, headers: { 'transfer-encoding': 'chunked' } });
  t.equal(chunked.status, 413);
  const ok = await httpRequest(`${h.url}/function/echo`, { method: 'POST', body: 'small', headers: { 'transfer-encoding': 'chunked' } });
  t.equal(ok.status, 200);
});

t.test('429 once the concurrency bound and its FIFO queue are full', async (t) => {
  const { h } = await setup(t, (_req, res) => void setTimeout(() => res.end('done'), 300), { env: { max_queue_per_function: '1' } });
  await deployFunction(h.provider, { service: 'slow', labels: { 'com.funtainer.max_concurrency': '1' } });
  const results = await Promise.all([0, 1, 2].map((i) => sleep(i * 20).then(() => httpRequest(`${h.url}/function/slow`))));
  t.same(results.map((r) => r.status), [200, 200, 429]);
  t.equal(jsonOf(results[2] as never).code, 'FUNTAINER_ERR_TOO_MANY_REQUESTS');
});

t.test('503 after ready_timeout when the function has no ready replica; served once one is ready', async (t) => {
  const { h } = await setup(t, echo, { autoReady: false, env: { ready_timeout: '200ms' } });
  const fn = await deployFunction(h.provider, { service: 'cold' });
  const started = Date.now();
  const res = await httpRequest(`${h.url}/function/cold`);
  t.equal(res.status, 503);
  t.equal(jsonOf(res).code, 'FUNTAINER_ERR_NO_REPLICA');
  t.ok(Date.now() - started >= 190, 'waited for ready_timeout');
  const pending = httpRequest(`${h.url}/function/cold`);
  await sleep(50);
  h.provider.markReady(fn);
  t.equal((await pending).status, 200, 'woken by onEndpointsChanged');
});

t.test('502 when the replica cannot be reached', async (t) => {
  const h = await startGateway({ endpointUrl: () => 'http://127.0.0.1:1' });
  t.teardown(() => h.close());
  await deployFunction(h.provider, { service: 'dead' });
  const res = await httpRequest(`${h.url}/function/dead`);
  t.equal(res.status, 502);
  t.equal(jsonOf(res).code, 'FUNTAINER_ERR_UPSTREAM_UNREACHABLE');
});

t.test('504 names the limit that was hit: function timeout vs gateway upstream_timeout', async (t) => {
  const { h } = await setup(t, (_req, res) => void setTimeout(() => res.end('late'), 1_000), { env: { upstream_timeout: '400ms', write_timeout: '1s' } });
  await deployFunction(h.provider, { service: 'labelled', labels: { 'com.funtainer.timeout': '150ms' } });
  await deployFunction(h.provider, { service: 'plain' });
  const labelled = await httpRequest(`${h.url}/function/labelled`);
  t.equal(labelled.status, 504);
  t.match(jsonOf(labelled), { code: 'FUNTAINER_ERR_UPSTREAM_TIMEOUT', limit: 'function timeout 150ms' });
  const plain = await httpRequest(`${h.url}/function/plain`);
  t.equal(plain.status, 504);
  t.match(jsonOf(plain).message, /gateway upstream_timeout 400ms/);
});

t.test('private functions need the gateway credentials on /function/', async (t) => {
  const { h } = await setup(t, echo, { env: { basic_auth: 'true' }, credentials: TEST_CREDENTIALS });
  await deployFunction(h.provider, { service: 'secret-fn', labels: { 'com.funtainer.private': 'true' } });
  await deployFunction(h.provider, { service: 'public-fn' });
  const denied = await httpRequest(`${h.url}/function/secret-fn`);
  t.equal(denied.status, 401);
  t.equal(denied.headers['www-authenticate'], 'Basic realm="Restricted"');
  const allowed = await httpRequest(`${h.url}/function/secret-fn`, { headers: { authorization: BASIC } });
  t.equal(allowed.status, 200);
  t.notOk((jsonOf(allowed) as { headers: Record<string, string> }).headers.authorization, 'the gateway credentials never reach the function');
  t.equal((await httpRequest(`${h.url}/function/public-fn`)).status, 200, 'public functions stay open');
});

t.test('spreads load over replicas by least in-flight and exposes in-flight per endpoint', async (t) => {
  const seenBy: string[] = [];
  const { h } = await setup(t, (req, res) => {
    seenBy.push(req.headers.host as string);
    setTimeout(() => res.end('ok'), 100);
  });
  await deployFunction(h.provider, { service: 'wide', labels: { 'com.openfaas.scale.min': '3' } });
  const inflight = Promise.all([1, 2, 3].map(() => httpRequest(`${h.url}/function/wide`)));
  await sleep(50);
  const ids = (h.provider.endpoints({ name: 'wide', namespace: 'openfaas-fn' }) ?? []).map((e) => e.id);
  t.same(ids.map((id) => h.gateway.inFlight(id)), [1, 1, 1], 'one request per replica');
  await inflight;
  t.same(ids.map((id) => h.gateway.inFlight(id)), [0, 0, 0]);
});
