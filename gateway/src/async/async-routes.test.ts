import t, { type Test } from 'tap';
import Fastify from 'fastify';
import { asyncRoutes } from './async-routes.js';
import { isValidCallId } from './async-request.js';
import { createMemoryQueuer } from './memory-queuer.js';

async function build(t: Test, functions = ['echo']) {
  const queuer = createMemoryQueuer();
  const app = Fastify();
  await app.register(asyncRoutes, { queuer, functionExists: (fn) => functions.includes(fn.name) && fn.namespace === 'openfaas-fn', maxBodyBytes: 16 });
  t.teardown(() => app.close());
  return { app, queuer };
}

t.test('call id rules', async (t) => {
  for (const ok of ['abc', 'a-b_c.d~e', '123abc', 'f47ac10b-58cc-4372-a567-0e02b2c3d479']) t.ok(isValidCallId(ok), ok);
  for (const bad of ['', '12345', 'a:b', 'a/b', 'x'.repeat(129), 'sp ace']) t.notOk(isValidCallId(bad), bad);
});

t.test('enqueue stores method, path, query, binary body and filtered headers', async (t) => {
  const { app, queuer } = await build(t);
  const body = Buffer.from([0, 255, 1, 254]);
  const res = await app.inject({ method: 'PATCH', url: '/async-function/echo/a/b?q=1', payload: body, headers: { 'content-type': 'image/png', authorization: 'Basic x', 'x-call-id': '999' } });
  t.equal(res.statusCode, 202);
  const callId = res.headers['x-call-id'] as string;
  t.not(callId, '999', 'an all-digit id is replaced');
  await queuer.take();
  const status = await queuer.status(callId);
  t.match(status, { function: 'echo.openfaas-fn', state: 'running' });
});

t.test('queue unavailable → 503 QUEUE_UNAVAILABLE, never 202', async (t) => {
  const { app, queuer } = await build(t);
  queuer.setAvailable(false);
  const res = await app.inject({ method: 'POST', url: '/async-function/echo', payload: 'x' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
  t.equal(res.headers['x-openfaas-internal'], 'gateway');
});

t.test('body limit → 413; unknown and invalid names → 404', async (t) => {
  const { app } = await build(t);
  t.equal((await app.inject({ method: 'POST', url: '/async-function/echo', payload: Buffer.alloc(17) })).statusCode, 413);
  t.equal((await app.inject({ method: 'POST', url: '/async-function/Not_Valid', payload: 'x' })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/async-function/nope.other', payload: 'x' })).statusCode, 404);
});

t.test('DELETE /async-function/<x>: invocation when <x> is a function, cancel otherwise', async (t) => {
  const { app, queuer } = await build(t);
  const invoke = await app.inject({ method: 'DELETE', url: '/async-function/echo' });
  t.equal(invoke.statusCode, 202);
  t.equal((await queuer.counts()).total.waiting, 1, 'DELETE of a function name is an async invocation');
  const queued = await app.inject({ method: 'POST', url: '/async-function/echo', payload: 'x', headers: { 'x-call-id': 'to-cancel' } });
  t.equal(queued.statusCode, 202);
  const cancel = await app.inject({ method: 'DELETE', url: '/async-function/to-cancel' });
  t.equal(cancel.statusCode, 202);
  t.match(await queuer.status('to-cancel'), { state: 'cancelled' });
  const listed = await app.inject({ method: 'GET', url: '/system/async?state=cancelled&function=echo' });
  t.match(listed.json(), { items: [{ callId: 'to-cancel', state: 'cancelled' }], total: 1, offset: 0, limit: 50 }, 'cancelled calls are listable');
  t.equal((await app.inject({ method: 'DELETE', url: '/async-function/unknown-call' })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/async-function/to-cancel' })).statusCode, 409, 'already cancelled');
});

t.test('system routes: status, list validation, retry state', async (t) => {
  const { app } = await build(t);
  t.equal((await app.inject({ method: 'GET', url: '/system/async/missing' })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: '/system/async?state=bogus' })).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/system/async?limit=501' })).statusCode, 400);
  t.match((await app.inject({ method: 'GET', url: '/system/async' })).json(), { items: [], total: 0, offset: 0, limit: 50 });
  t.equal((await app.inject({ method: 'POST', url: '/system/async/missing/retry' })).statusCode, 404);
});
