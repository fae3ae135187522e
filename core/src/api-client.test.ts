import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { GatewayClient, GatewayError } from './api-client.js';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Recorded, res: ServerResponse) => void;

/** A port-0 HTTP server that records every request and answers with `handler`. */
async function fakeGateway(t: { teardown(fn: () => unknown): void }, handler: Handler): Promise<{ url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

t.test('deploy PUTs first and POSTs the same body on 404', async (t) => {
  const gw = await fakeGateway(t, (req, res) => {
    res.statusCode = req.method === 'PUT' ? 404 : 202;
    res.end();
  });
  const client = new GatewayClient({ url: gw.url, auth: { user: 'admin', password: 'pw' } });
  const outcome = await client.deploy({ service: 'echo', image: 'funtainer/echo:latest' });
  t.equal(outcome, 'created');
  t.same(gw.requests.map((r) => `${r.method} ${r.url}`), ['PUT /system/functions', 'POST /system/functions']);
  t.equal(gw.requests[0]?.body, gw.requests[1]?.body);
  t.equal(gw.requests[0]?.headers.authorization, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
});

t.test('deploy of an existing function is one PUT', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => res.end());
  const outcome = await new GatewayClient({ url: gw.url }).deploy({ service: 'echo', image: 'x' });
  t.equal(outcome, 'updated');
  t.equal(gw.requests.length, 1);
  t.equal(gw.requests[0]?.headers.authorization, undefined);
});

t.test('401 names the fix: funtainer login', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => {
    res.statusCode = 401;
    res.end('invalid credentials');
  });
  const err = await new GatewayClient({ url: gw.url }).list().catch((e: unknown) => e);
  t.ok(err instanceof GatewayError);
  t.equal((err as GatewayError).status, 401);
  t.match((err as GatewayError).message, /funtainer login/);
});

t.test('JSON error bodies carry the gateway code', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => {
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND', message: 'No such function: nope', statusCode: 404 }));
  });
  const err = (await new GatewayClient({ url: gw.url }).remove('nope').catch((e: unknown) => e)) as GatewayError;
  t.equal(err.code, 'FUNTAINER_ERR_FUNCTION_NOT_FOUND');
  t.match(err.message, /No such function: nope/);
  t.same(JSON.parse(gw.requests[0]?.body ?? ''), { functionName: 'nope' });
});

t.test('connection refused says where the gateway should be and how to start it', async (t) => {
  // a port that was free a moment ago: nothing listens there now
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const err = (await new GatewayClient({ url }).info().catch((e: unknown) => e)) as GatewayError;
  t.ok(err instanceof GatewayError);
  t.equal(err.code, 'ECONNREFUSED');
  t.match(err.message, `is the gateway running at ${url}`);
  t.match(err.message, /npm start/);
});

t.test('a slow gateway hits the deadline with a timeout message', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => setTimeout(() => res.end('[]'), 500));
  const err = (await new GatewayClient({ url: gw.url, timeoutMs: 50 }).list().catch((e: unknown) => e)) as GatewayError;
  t.match(err.message, /did not answer within 50 ms/);
});

t.test('get returns undefined on 404 and scale posts serviceName/replicas', async (t) => {
  const gw = await fakeGateway(t, (req, res) => {
    res.statusCode = req.url?.startsWith('/system/function/') ? 404 : 200;
    res.end();
  });
  const client = new GatewayClient({ url: gw.url });
  t.equal(await client.get('missing'), undefined);
  await client.scale('echo', 0);
  t.same(JSON.parse(gw.requests[1]?.body ?? ''), { serviceName: 'echo', replicas: 0 });
});

t.test('invoke sends method, headers, query and body; returns any status', async (t) => {
  const gw = await fakeGateway(t, (req, res) => {
    res.statusCode = 500;
    res.setHeader('x-echo', req.headers['x-test'] ?? '');
    res.end(`got ${req.method} ${req.url} ${req.body}`);
  });
  const result = await new GatewayClient({ url: gw.url }).invoke('echo', {
    method: 'put', headers: { 'x-test': 'yes' }, query: { q: '1' }, body: Buffer.from('hi'),
  });
  t.equal(result.status, 500);
  t.equal(result.headers['x-echo'], 'yes');
  t.equal(result.body.toString(), 'got PUT /function/echo?q=1 hi');
});

t.test('async invoke goes to /async-function and streaming bodies are sent', async (t) => {
  const gw = await fakeGateway(t, (req, res) => {
    res.statusCode = 202;
    res.setHeader('x-call-id', 'abc');
    res.end(req.body);
  });
  async function* body(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('a');
    yield Buffer.from('b');
  }
  const result = await new GatewayClient({ url: gw.url }).invoke('echo', { async: true, body: body(), namespace: 'staging' });
  t.equal(result.status, 202);
  t.equal(result.headers['x-call-id'], 'abc');
  t.equal(gw.requests[0]?.url, '/async-function/echo.staging');
  t.equal(gw.requests[0]?.body, 'ab');
});

t.test('logs parse NDJSON split across chunks', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => {
    res.setHeader('content-type', 'application/x-ndjson');
    res.write('{"name":"echo","timestamp":"2024-01-01T00:00:00Z","text":"one"}\n{"name":"echo","time');
    setTimeout(() => res.end('stamp":"2024-01-01T00:00:01Z","text":"two"}\n'), 20);
  });
  const texts: string[] = [];
  for await (const entry of new GatewayClient({ url: gw.url }).logs('echo', { tail: 5 })) texts.push(entry.text);
  t.same(texts, ['one', 'two']);
  t.equal(gw.requests[0]?.url, '/system/logs?name=echo&follow=false&tail=5');
});

t.test('secrets: text as value, binary as rawValue', async (t) => {
  const gw = await fakeGateway(t, (_req, res) => {
    res.statusCode = 201;
    res.end();
  });
  const client = new GatewayClient({ url: gw.url });
  await client.createSecret('api-key', 's3cret');
  await client.updateSecret('blob', Buffer.from([0, 1, 2]));
  t.same(JSON.parse(gw.requests[0]?.body ?? ''), { name: 'api-key', value: 's3cret' });
  t.same(JSON.parse(gw.requests[1]?.body ?? ''), { name: 'blob', rawValue: 'AAEC' });
  t.equal(gw.requests[1]?.method, 'PUT');
});
