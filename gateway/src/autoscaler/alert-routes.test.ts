import t from 'tap';
import Fastify from 'fastify';
import { alertRoutes, alertTargetReplicas } from './alert-routes.js';
import { createMemoryFixture } from '../testing/memory-fixtures.js';
import { DEFAULT_SCALING_SETTINGS } from './scaling-settings.js';

const webhook = (status: string, alerts: Array<{ status: string; fn: string }>) => ({
  status, receiver: 'scale-up',
  alerts: alerts.map((a) => ({ status: a.status, labels: { alertname: 'APIHighInvocationRate', function_name: a.fn } })),
});

async function setup(t: { teardown(fn: () => unknown): void }) {
  const fx = createMemoryFixture();
  const app = Fastify();
  await app.register(alertRoutes, { provider: fx.provider });
  t.teardown(() => app.close());
  return { fx, app };
}

t.test('step size is ceil(max × factor / 100), bounded by max; resolved → min', async (t) => {
  const s = { ...DEFAULT_SCALING_SETTINGS, min: 2, max: 20, factor: 10 };
  t.equal(alertTargetReplicas('firing', 2, s), 4);
  t.equal(alertTargetReplicas('firing', 19, s), 20);
  t.equal(alertTargetReplicas('firing', 1, { ...s, max: 5 }), 2, 'CE defaults: one replica per alert');
  t.equal(alertTargetReplicas('resolved', 17, s), 2);
  t.equal(alertTargetReplicas('weird', 17, s), 2, 'anything but firing resolves, as in faas');
});

t.test('firing steps replicas up, repeated firing climbs to max, resolved drops to min', async (t) => {
  const { fx, app } = await setup(t);
  const fn = await fx.deploy('api', { 'com.openfaas.scale.max': '10', 'com.openfaas.scale.factor': '30' });
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/system/alert', payload: body as object });

  const first = await post(webhook('firing', [{ status: 'firing', fn: 'api' }]));
  t.equal(first.statusCode, 200);
  t.same(first.json(), { results: [{ function: 'api.openfaas-fn', status: 'firing', from: 1, to: 4 }] });
  await post(webhook('firing', [{ status: 'firing', fn: 'api.openfaas-fn' }]));
  await post(webhook('firing', [{ status: 'firing', fn: 'api' }]));
  await post(webhook('firing', [{ status: 'firing', fn: 'api' }]));
  t.equal((await fx.provider.get(fn))?.replicas, 10);

  const resolved = await post(webhook('resolved', [{ status: 'resolved', fn: 'api' }]));
  t.same(resolved.json(), { results: [{ function: 'api.openfaas-fn', status: 'resolved', from: 10, to: 1 }] });
  t.equal((await fx.provider.get(fn))?.replicas, 1);
});

t.test('unknown and invalid functions are per-alert errors, others still scale', async (t) => {
  const { fx, app } = await setup(t);
  const fn = await fx.deploy('known');
  const res = await app.inject({ method: 'POST', url: '/system/alert',
    payload: webhook('firing', [{ status: 'firing', fn: 'ghost' }, { status: 'firing', fn: 'Bad_Name' }, { status: 'firing', fn: 'known' }]) });
  t.equal(res.statusCode, 200);
  const { results } = res.json() as { results: Array<Record<string, unknown>> };
  t.match(results[0], { function: 'ghost.openfaas-fn', error: { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND' } });
  t.match(results[1], { function: 'Bad_Name', error: { code: 'FUNTAINER_ERR_INVALID_NAME' } });
  t.match(results[2], { function: 'known.openfaas-fn', to: 3 });
  t.equal((await fx.provider.get(fn))?.replicas, 3, 'default max 20 × factor 10% = step 2');
});

const malformed: Array<[string, string | undefined, string]> = [
  ['empty body', '', 'FUNTAINER_ERR_BAD_JSON'],
  ['no body at all', undefined, 'FUNTAINER_ERR_BAD_JSON'],
  ['invalid JSON', '{"status": "firing",', 'FUNTAINER_ERR_BAD_JSON'],
  ['JSON but not an object', '"firing"', 'FUNTAINER_ERR_BAD_REQUEST'],
  ['no alerts', JSON.stringify({ status: 'firing', receiver: 'x', alerts: [] }), 'FUNTAINER_ERR_BAD_REQUEST'],
  ['alert without function_name', JSON.stringify({ status: 'firing', receiver: 'x', alerts: [{ status: 'firing', labels: { alertname: 'A' } }] }), 'FUNTAINER_ERR_BAD_REQUEST'],
  ['alert without labels', JSON.stringify({ status: 'firing', receiver: 'x', alerts: [{ status: 'firing' }] }), 'FUNTAINER_ERR_BAD_REQUEST'],
];

for (const [name, body, code] of malformed) {
  t.test(`malformed: ${name} → 400 ${code}`, async (t) => {
    const { fx, app } = await setup(t);
    const fn = await fx.deploy('api');
    const res = await app.inject({ method: 'POST', url: '/system/alert', headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: body }) });
    t.equal(res.statusCode, 400);
    t.match(res.json(), { code, statusCode: 400 });
    t.equal(res.headers['x-faas-internal'], 'gateway');
    t.equal((await fx.provider.get(fn))?.replicas, 1, 'nothing scaled');
  });
}
