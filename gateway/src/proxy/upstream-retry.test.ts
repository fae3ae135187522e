/**
 * Retry on another replica: the pure decision, then on real sockets — a replica that refuses connections
 * (killed, not yet dropped by the provider) costs no request, whatever the body shape, and is taken out of
 * rotation; a replica that received the request and then died is never sent it twice.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { deployFunction, httpRequest, jsonOf, startGateway, startUpstream } from '../testing/gateway-harness.js';
import { isBodyReplayable, shouldRetryElsewhere } from './upstream-retry.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 172.18.0.9:8080'), { code: 'ECONNREFUSED' });

t.test('shouldRetryElsewhere: only connect failures before the request started, once, with a whole body', async (t) => {
  const base = { requestStarted: false, error: refused, body: null, retries: 0 };
  t.ok(shouldRetryElsewhere(base), 'refused before start, no body');
  t.ok(shouldRetryElsewhere({ ...base, body: Buffer.from('small') }), 'buffered body');
  t.ok(shouldRetryElsewhere({ ...base, body: new PassThrough() }), 'stream nobody has read');
  for (const code of ['EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']) {
    t.ok(shouldRetryElsewhere({ ...base, error: Object.assign(new Error(code), { code }) }), code);
  }
  t.notOk(shouldRetryElsewhere({ ...base, requestStarted: true }), 'writing had begun: the replica may have it');
  t.notOk(shouldRetryElsewhere({ ...base, retries: 1 }), 'at most one retry');
  t.notOk(shouldRetryElsewhere({ ...base, error: new Error('upstream deadline exceeded') }), 'no code: not a transport failure');
  t.notOk(shouldRetryElsewhere({ ...base, error: Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }) }), 'timeouts are final');
  const read = new PassThrough();
  read.end('abc');
  read.read();
  t.notOk(shouldRetryElsewhere({ ...base, body: read }), 'stream already read from');
  const destroyed = new PassThrough();
  destroyed.destroy();
  t.notOk(isBodyReplayable(destroyed), 'destroyed stream');
});

// Port 1 on loopback: below the ephemeral range, so no test's port-0 server can take it. A port freed by
// closing a server could be handed to a parallel test a moment later (a CI run once got 405s from one).
const REFUSED_URL = 'http://127.0.0.1:1';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

t.test('a refused replica costs no request: retried on another ready one, then left out of rotation', async (t) => {
  const served: string[] = [];
  const up = await startUpstream((req, res) => {
    void readBody(req).then((body) => {
      served.push(body);
      res.end(`echo:${body}`);
    });
  });
  const dead = REFUSED_URL;
  // Replica 0 is the killed one; replicas 1 and 2 answer.
  const h = await startGateway({ endpointUrl: (_fn, _id, index) => (index === 0 ? dead : up.url) });
  t.teardown(async () => {
    await h.close();
    await up.close();
  });
  await deployFunction(h.provider, { service: 'trio', labels: { 'com.openfaas.scale.min': '3' } });
  t.equal(h.provider.endpoints({ name: 'trio', namespace: 'openfaas-fn' })?.length, 3, 'three ready replicas');

  const large = 'L'.repeat(64 * 1024);
  const bodies = [
    ...Array.from({ length: 12 }, (_, i) => ({ body: `small-${i}`, headers: {} })),
    { body: large, headers: {} },
    { body: 'chunked-body', headers: { 'transfer-encoding': 'chunked' } },
  ];
  const results = await Promise.all(bodies.map((b) => httpRequest(`${h.url}/function/trio`, { method: 'POST', body: b.body, headers: b.headers })));
  t.same(results.map((r) => r.status), bodies.map(() => 200), 'every request answered 200');
  t.same(results.map((r) => r.body), bodies.map((b) => `echo:${b.body}`), 'bodies arrived whole, small, large and chunked');
  t.equal(served.length, bodies.length, 'each request ran exactly once');

  const route = h.gateway.functions.resolve('trio');
  const deadSlot = route?.replicas.find((s) => s.url === dead);
  t.ok(deadSlot !== undefined && deadSlot.unreachableUntil > performance.now(), 'the refused replica is marked unreachable');
  const picks = Array.from({ length: 30 }, () => route?.pickReplica()?.url);
  t.notOk(picks.includes(dead), 'and the balancer no longer picks it');
});

t.test('a replica that got the request and then died is not sent it again (502); a lone refused replica is 502', async (t) => {
  let hits = 0;
  const dying = await startUpstream((req) => {
    hits++;
    req.socket.destroy();
  });
  const h = await startGateway({ endpointUrl: () => dying.url });
  const lone = await startGateway({ endpointUrl: () => REFUSED_URL });
  t.teardown(async () => {
    await h.close();
    await lone.close();
    await dying.close();
  });
  await deployFunction(h.provider, { service: 'dies', labels: { 'com.openfaas.scale.min': '2' } });
  const res = await httpRequest(`${h.url}/function/dies`, { method: 'POST', body: 'once' });
  t.equal(res.status, 502);
  t.match(jsonOf(res), { code: 'FUNTAINER_ERR_UPSTREAM_UNREACHABLE', requestSent: true }, 'the caller is told the replica may have run it');
  t.equal(hits, 1, 'the request reached a replica once and was not replayed');
  await deployFunction(lone.provider, { service: 'alone' });
  const alone = await httpRequest(`${lone.url}/function/alone`);
  t.equal(alone.status, 502, 'no other replica to retry on');
  t.match(jsonOf(alone), { code: 'FUNTAINER_ERR_UPSTREAM_UNREACHABLE', requestSent: false }, 'never sent: safe to send again');
});
