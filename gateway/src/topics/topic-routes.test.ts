/**
 * Topics through the real gateway routes (basic auth on) with the memory provider and queuer: fan-out across
 * namespaces, dedupe by event id, the subscriber cache following this gateway's deploys, and every bad input
 * a coded 4xx.
 */
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '../app.js';
import { BASIC, TEST_CREDENTIALS, testConfig } from '../testing/gateway-harness.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { createMemoryQueuer, type MemoryQueuer } from '../testing/memory-queuer.js';
import { topicPlugins } from './topic-plugins.js';

async function setup(t: { teardown(f: () => unknown): void }): Promise<{ gw: Gateway; queuer: MemoryQueuer; registry: Registry }> {
  const provider = new MemoryProvider();
  await provider.createNamespace({ name: 'staging', labels: {}, annotations: {} });
  const queuer = createMemoryQueuer();
  const registry = new Registry();
  // An hour: only invalidation can make a new subscriber visible within this test.
  const topics = topicPlugins({ queuer, provider, registry, subscribersTtlMs: 3_600_000, maxBodyBytes: 64 });
  const gw = await buildGateway({ provider, config: testConfig({ basic_auth: 'true' }), credentials: TEST_CREDENTIALS, registry, ...topics });
  t.teardown(() => gw.close());
  return { gw, queuer, registry };
}

const auth = { authorization: BASIC };
const deploy = (gw: Gateway, service: string, topic: string, namespace = 'openfaas-fn') =>
  gw.app.inject({ method: 'POST', url: '/system/functions', headers: auth, payload: { service, namespace, image: 'test/echo:1', annotations: { topic } } });
const publish = (gw: Gateway, topic: string, headers: Record<string, string> = {}, payload = '{"n":1}') =>
  gw.app.inject({ method: 'POST', url: `/system/topics/${topic}`, headers: { ...auth, 'content-type': 'application/json', ...headers }, payload });

t.test('an event reaches every subscriber in every namespace once, even when published twice', async (t) => {
  const { gw, queuer, registry } = await setup(t);
  t.equal((await publish(gw, 'orders')).json().subscribers, 0, 'before any subscriber: 202 with 0');
  for (const [name, ns] of [['a', 'openfaas-fn'], ['b', 'openfaas-fn'], ['a', 'staging']] as const) t.equal((await deploy(gw, name, ns === 'staging' ? 'orders' : 'audit, orders', ns)).statusCode, 202);
  await deploy(gw, 'other', 'payments');
  const first = await publish(gw, 'orders', { 'x-funtainer-event-id': 'evt-42' });
  t.equal(first.statusCode, 202);
  t.equal(first.headers['x-funtainer-event-id'], 'evt-42');
  const body = first.json() as { subscribers: number; calls: Array<{ function: string; callId: string }> };
  t.equal(body.subscribers, 3, 'a new subscriber is seen at once (this gateway deployed it)');
  t.same(body.calls.map((c) => c.function), ['a.openfaas-fn', 'b.openfaas-fn', 'a.staging']);
  const again = (await publish(gw, 'orders', { 'x-funtainer-event-id': 'evt-42' })).json() as typeof body;
  t.same(again.calls, body.calls, 'the same event id gives the same call ids');
  const queued = await queuer.list({ state: 'queued', offset: 0, limit: 100 });
  t.equal(queued.total, 3, 'stored once each');
  const status = await queuer.status(body.calls[2]!.callId);
  t.equal(status?.function, 'a.staging');
  const fresh = (await publish(gw, 'orders')).json() as { eventId: string; calls: unknown[] };
  t.match(fresh.eventId, /^[0-9a-f-]{36}$/, 'no event id given: a UUID');
  t.equal((await queuer.list({ state: 'queued', offset: 0, limit: 100 })).total, 6, 'another event, three more calls');
  const topics = await gw.app.inject({ method: 'GET', url: '/system/topics', headers: auth });
  t.same(topics.json(), [{ topic: 'audit', subscribers: ['a.openfaas-fn', 'b.openfaas-fn'] }, { topic: 'orders', subscribers: ['a.openfaas-fn', 'b.openfaas-fn', 'a.staging'] }, { topic: 'payments', subscribers: ['other.openfaas-fn'] }]);
  const metrics = await registry.metrics();
  t.match(metrics, /funtainer_topic_events_published_total\{topic="orders"\} 3/);
  t.match(metrics, /funtainer_topic_calls_queued_total\{topic="orders"\} 9/);
  t.match(metrics, /funtainer_topic_events_unrouted_total 1/);
});

t.test('a queue outage is a 503 naming the event id, so the publisher can retry it', async (t) => {
  const { gw, queuer } = await setup(t);
  await deploy(gw, 'a', 'orders');
  queuer.setAvailable(false);
  const res = await publish(gw, 'orders', { 'x-funtainer-event-id': 'evt-7' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE', topic: 'orders', eventId: 'evt-7' });
});

t.test('bad input: each a coded 4xx', async (t) => {
  const { gw } = await setup(t);
  const cases: Array<[string, Promise<{ statusCode: number; json(): unknown }>, number, string]> = [
    ['topic with a bad character', publish(gw, 'a%2Fb'), 400, 'FUNTAINER_ERR_INVALID_TOPIC'],
    ['topic starting with a dot', publish(gw, '.x'), 400, 'FUNTAINER_ERR_INVALID_TOPIC'],
    ['empty topic', publish(gw, ''), 400, 'FUNTAINER_ERR_INVALID_TOPIC'],
    ['topic over the path limit', publish(gw, 'x'.repeat(101)), 414, 'FUNTAINER_ERR_URI_TOO_LONG'],
    ['bad event id', publish(gw, 'orders', { 'x-funtainer-event-id': 'a b' }), 400, 'FUNTAINER_ERR_BAD_REQUEST'],
    ['callback URL not http', publish(gw, 'orders', { 'x-callback-url': 'ftp://x' }), 400, 'FUNTAINER_ERR_BAD_REQUEST'],
    ['body over the async limit', publish(gw, 'orders', {}, 'x'.repeat(65)), 413, 'FUNTAINER_ERR_BODY_TOO_LARGE'],
    ['no credentials', gw.app.inject({ method: 'POST', url: '/system/topics/orders', payload: 'x' }), 401, 'FUNTAINER_ERR_UNAUTHORIZED'],
    ['GET on the publish route', gw.app.inject({ method: 'GET', url: '/system/topics/orders', headers: auth }), 405, 'FUNTAINER_ERR_METHOD_NOT_ALLOWED'],
    ['bad topic annotation at deploy', deploy(gw, 'f', 'orders, bad/name'), 400, 'FUNTAINER_ERR_INVALID_SPEC'],
  ];
  for (const [what, pending, status, code] of cases) {
    const res = await pending;
    t.equal(res.statusCode, status, what);
    t.match(res.json(), { code }, what);
  }
});
