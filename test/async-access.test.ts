/**
 * Access on the async path, end to end with basic auth on: real gateway (memory provider) → BullMQ on the
 * shared Redis → the real queue-worker process → scripted function → callback receiver. The async path must
 * admit exactly what `/function/` admits (the worker later runs a private function with its own credentials),
 * and cancel / status / list / redrive need the credentials of `/system/*`.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { spawnWorker, startScriptedServer, waitFor, type WorkerProcess } from './helpers/processes-async.js';
import { startTestGateway } from './helpers/processes-gateway.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('async access', { skip: reason }, () => {});
} else {
  const credentials = { user: 'admin', password: `pw-${randomUUID()}` };
  const admin = { authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}` };
  const queueName = uniqueQueueName('it-access');
  const fnServer = await startScriptedServer(() => ({ status: 200, body: 'private output' }));
  const receiver = await startScriptedServer(() => ({ status: 200, body: 'thanks' }));
  // "yes" is private to the gateway; the worker must read it the same way (one policy in core/).
  const gw = await startTestGateway({
    redisUrl: SHARED_REDIS_URL,
    queueName,
    functionUrl: fnServer.url,
    functions: ['open', 'secret'],
    labelsFor: { secret: { 'com.funtainer.private': 'yes' } },
    credentials,
  });
  let worker: WorkerProcess | undefined;
  const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1 });
  t.teardown(async () => {
    redis.disconnect();
    await worker?.stop('SIGTERM');
    await gw.close();
    await fnServer.close();
    await receiver.close();
    await obliterateQueues(SHARED_REDIS_URL, queueName);
  });

  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await request(`${gw.url}${path}`, { method: method as 'POST', headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  // Runs before the worker is started, so every admitted call stays queued.
  t.test('a private function is refused on /async-function/ without credentials, as on /function/', async (t) => {
    const sync = await call('POST', '/function/secret', {}, 'x');
    t.equal(sync.status, 401, 'the sync path refuses');
    for (const path of ['/async-function/secret', '/async-function/secret/sub/path', '/async-function/secret.openfaas-fn']) {
      const callId = `denied-${randomUUID()}`;
      const res = await call('POST', path, { 'x-callback-url': `${receiver.url}/steal`, 'x-call-id': callId }, 'x');
      t.equal(res.status, 401, path);
      t.match(res.json, { code: 'FUNTAINER_ERR_UNAUTHORIZED' });
      t.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"');
      t.equal((await call('GET', `/system/async/${callId}`, admin)).status, 404, 'nothing was stored');
    }
    const wrong = await call('POST', '/async-function/secret', { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` }, 'x');
    t.equal(wrong.status, 401, 'wrong credentials');
    t.equal((await gw.queuer.counts()).total.waiting, 0, 'queue empty');
  });

  t.test('cancel, status, the list and redrive need the /system credentials', async (t) => {
    const callId = `open-${randomUUID()}`;
    const password = `cb${randomUUID().slice(0, 8)}`;
    const callbackUrl = `http://hook:${password}@127.0.0.1:${receiver.port}/later`;
    t.equal((await call('POST', '/async-function/open', { 'x-call-id': callId, 'x-callback-url': callbackUrl }, 'x')).status, 202, 'public functions stay open');
    const anonymousCancel = await call('DELETE', `/async-function/${callId}`);
    t.equal(anonymousCancel.status, 401, 'anonymous cancel is refused');
    t.match(anonymousCancel.json, { code: 'FUNTAINER_ERR_UNAUTHORIZED' });
    t.match((await call('GET', `/system/async/${callId}`, admin)).json, { state: 'queued' }, 'the call is still queued');
    for (const [method, path] of [['GET', `/system/async/${callId}`], ['GET', '/system/async?state=queued'], ['POST', `/system/async/${callId}/retry`]]) {
      t.equal((await call(method as string, path as string)).status, 401, `anonymous ${method} ${path}`);
    }
    t.equal((await call('DELETE', `/async-function/${callId}`, admin)).status, 202, 'cancel with credentials');
    const cancelled = await call('GET', `/system/async/${callId}`, admin);
    t.match(cancelled.json, { state: 'cancelled', callback: { state: 'none', url: `http://***@127.0.0.1:${receiver.port}/later` } });
    const record = await redis.get(`bull:${queueName}:cancelled:${callId}`);
    t.ok(record, 'a cancelled record is kept');
    t.notOk(record?.includes(password), 'it keeps no callback password (the call is never delivered)');
  });

  t.test('with credentials a private call is queued, run by the worker with its own credentials, and called back', async (t) => {
    const res = await call('POST', '/async-function/secret', { ...admin, 'x-callback-url': `${receiver.url}/mine` }, 'x');
    t.equal(res.status, 202);
    const callId = res.headers['x-call-id'] as string;
    worker = spawnWorker({ redis_url: SHARED_REDIS_URL, queue_name: queueName, gateway_url: gw.url, basic_auth_user: credentials.user, basic_auth_password: credentials.password });
    const cb = await waitFor(() => receiver.requests.find((r) => r.headers['x-call-id'] === callId), 20_000, 'callback of the private call');
    t.equal(cb.headers['x-function-status'], '200', 'the worker was admitted: "yes" is private to both sides');
    t.equal(cb.body.toString(), 'private output');
    const invoked = fnServer.requests.find((r) => r.headers['x-call-id'] === callId);
    t.equal(invoked?.headers.authorization, undefined, 'the function never sees credentials');
    t.equal(receiver.requests.filter((r) => r.url === '/steal').length, 0, 'refused calls never ran');
  });
}
