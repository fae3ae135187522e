import t, { type Test } from 'tap';
import Fastify from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';
import { parseQualifiedName } from '@funtainer/core/names';
import { asyncRoutes, type AsyncAccess } from './async-routes.js';
import { isValidCallId } from './async-request.js';
import { createMemoryQueuer } from '../testing/memory-queuer.js';

const ADMIN = `Basic ${Buffer.from('admin:secret').toString('base64')}`;

/** The gateway's checks in miniature: `secret` is private, the admin header passes both checks. */
function fakeAccess(functions: string[]): AsyncAccess {
  const resolveFunction = (raw: string) => {
    const fn = parseQualifiedName(raw, 'openfaas-fn');
    return fn && functions.includes(fn.name) && fn.namespace === 'openfaas-fn' ? fn : undefined;
  };
  const authorizeSystem = (authorization: string | undefined) => {
    if (authorization !== ADMIN) throw new FuntainerError('FUNTAINER_ERR_UNAUTHORIZED');
  };
  return {
    resolveFunction,
    authorizeSystem,
    async authorizeInvocation(raw, authorization) {
      const fn = resolveFunction(raw);
      if (!fn) throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND');
      if (fn.name === 'secret') authorizeSystem(authorization);
      return fn;
    },
  };
}

async function build(t: Test, functions = ['echo', 'secret']) {
  const queuer = createMemoryQueuer();
  const app = Fastify();
  await app.register(asyncRoutes, { queuer, access: fakeAccess(functions), maxBodyBytes: 16 });
  t.teardown(() => app.close());
  return { app, queuer };
}
const asAdmin = { authorization: ADMIN };

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
  const cancel = await app.inject({ method: 'DELETE', url: '/async-function/to-cancel', headers: asAdmin });
  t.equal(cancel.statusCode, 202);
  t.match(await queuer.status('to-cancel'), { state: 'cancelled' });
  const listed = await app.inject({ method: 'GET', url: '/system/async?state=cancelled&function=echo', headers: asAdmin });
  t.match(listed.json(), { items: [{ callId: 'to-cancel', state: 'cancelled' }], total: 1, offset: 0, limit: 50 }, 'cancelled calls are listable');
  t.equal((await app.inject({ method: 'DELETE', url: '/async-function/unknown-call', headers: asAdmin })).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: '/async-function/to-cancel', headers: asAdmin })).statusCode, 409, 'already cancelled');
});

t.test('system routes: status, list validation, retry state', async (t) => {
  const { app } = await build(t);
  const get = (url: string) => app.inject({ method: 'GET', url, headers: asAdmin });
  t.equal((await get('/system/async/missing')).statusCode, 404);
  t.equal((await get('/system/async?state=bogus')).statusCode, 400);
  t.equal((await get('/system/async?limit=501')).statusCode, 400);
  t.match((await get('/system/async')).json(), { items: [], total: 0, offset: 0, limit: 50 });
  t.equal((await app.inject({ method: 'POST', url: '/system/async/missing/retry', headers: asAdmin })).statusCode, 404);
});

t.test('access: a private function needs credentials to be queued; cancel and /system/async* need the system ones', async (t) => {
  const { app, queuer } = await build(t);
  const denied = await app.inject({ method: 'POST', url: '/async-function/secret', payload: 'x', headers: { 'x-callback-url': 'http://127.0.0.1:9/cb' } });
  t.equal(denied.statusCode, 401);
  t.match(denied.json(), { code: 'FUNTAINER_ERR_UNAUTHORIZED' });
  t.equal(denied.headers['www-authenticate'], 'Basic realm="Restricted"');
  t.equal((await queuer.counts()).total.waiting, 0, 'nothing queued');
  t.equal((await app.inject({ method: 'POST', url: '/async-function/secret/sub', payload: 'x' })).statusCode, 401, 'sub-path too');
  t.equal((await app.inject({ method: 'POST', url: '/async-function/secret', payload: 'x', headers: asAdmin })).statusCode, 202);
  const queued = await app.inject({ method: 'POST', url: '/async-function/echo', payload: 'x', headers: { 'x-call-id': 'keep-me' } });
  t.equal(queued.statusCode, 202, 'public functions stay open');
  t.equal((await app.inject({ method: 'DELETE', url: '/async-function/keep-me' })).statusCode, 401, 'anonymous cancel');
  t.match(await queuer.status('keep-me'), { state: 'queued' }, 'the call was not cancelled');
  for (const [method, url] of [['GET', '/system/async/keep-me'], ['GET', '/system/async'], ['POST', '/system/async/keep-me/retry']] as const) {
    t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url}`);
  }
});
