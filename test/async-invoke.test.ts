/**
 * Async invocation end to end: real gateway (memory provider) → BullMQ on the shared Redis → the real
 * queue-worker process → scripted function → callback receiver.
 */
import t from 'tap';
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { spawnWorker, startScriptedServer, waitFor } from './helpers/processes-async.js';
import { startTestGateway } from './helpers/processes-gateway.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('async invocation end to end', { skip: reason }, () => {});
} else {
  const queueName = uniqueQueueName('it-invoke');
  const fnServer = await startScriptedServer();
  const receiver = await startScriptedServer(() => ({ status: 200, body: 'thanks' }));
  const gw = await startTestGateway({ redisUrl: SHARED_REDIS_URL, queueName, functionUrl: fnServer.url, functions: ['echo', 'flaky', 'bad', 'slow'], maxBodyBytes: 64 * 1024 });
  const worker = spawnWorker({ redis_url: SHARED_REDIS_URL, queue_name: queueName, gateway_url: gw.url, concurrency: '8', max_per_function: '4' });
  t.teardown(async () => {
    await worker.stop('SIGTERM');
    await gw.close();
    await fnServer.close();
    await receiver.close();
    await obliterateQueues(SHARED_REDIS_URL, queueName);
  });

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}, method: 'POST' | 'PUT' | 'DELETE' = 'POST') =>
    request(`${gw.url}${path}`, { method, body, headers: { 'content-type': 'application/octet-stream', ...headers } });
  const statusOf = async (callId: string) => {
    const res = await request(`${gw.url}/system/async/${callId}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- status bodies are probed field by field
    return res.statusCode === 200 ? ((await res.body.json()) as Record<string, any>) : (await res.body.dump(), undefined);
  };
  // The gateway strips /function/<name> (the function sees "/"), so the scripted function is told which
  // behaviour to play by a header the client sends and the worker forwards.
  const callsTo = (behaviour: string) => fnServer.requests.filter((r) => r.headers['x-test-behaviour'] === behaviour);
  const callbacksFor = (callId: string) => receiver.requests.filter((r) => r.headers['x-call-id'] === callId);

  fnServer.setScript((req) => {
    const behaviour = req.headers['x-test-behaviour'];
    if (behaviour === 'flaky') return callsTo('flaky').length <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'finally' };
    if (behaviour === 'bad') return { status: 400, body: 'bad input' };
    if (behaviour === 'slow') return { status: 200, delayMs: 1500 };
    return { status: 200, headers: { 'content-type': req.headers['content-type'] as string } };
  });

  t.test('202 with X-Call-Id; callback receives the result with every protocol header', async (t) => {
    const res = await post('/async-function/echo/sub/path?x=1&y=2', 'hello async', { 'x-callback-url': `${receiver.url}/hook`, 'content-type': 'text/plain', 'x-custom': 'kept', authorization: 'Basic c2VjcmV0', cookie: 'a=b' });
    t.equal(res.statusCode, 202);
    const callId = res.headers['x-call-id'] as string;
    t.match(callId, /^[0-9a-f-]{36}$/);
    t.match(res.headers['x-start-time'], /^\d{19}$/, 'X-Start-Time in nanoseconds');
    await res.body.dump();
    const cb = await waitFor(() => callbacksFor(callId)[0], 10_000, 'callback');
    t.equal(cb.body.toString(), 'hello async');
    t.match(cb.headers, { 'x-call-id': callId, 'x-function-status': '200', 'x-function-name': 'echo.openfaas-fn', 'content-type': 'text/plain' });
    t.match(cb.headers['x-duration-seconds'], /^\d+\.\d+$/);
    const invoked = fnServer.requests.find((r) => r.headers['x-call-id'] === callId);
    t.ok(invoked, 'function was invoked');
    t.equal(invoked?.method, 'POST');
    t.match(invoked?.url, /\/sub\/path\?x=1&y=2$/, 'path and query kept');
    t.equal(invoked?.headers['x-custom'], 'kept');
    t.equal(invoked?.headers.authorization, undefined, 'credentials not stored');
    t.equal(invoked?.headers.cookie, undefined);
    const status = await waitFor(async () => ((await statusOf(callId))?.callback?.state === 'delivered' ? statusOf(callId) : undefined), 5000, 'delivered status');
    t.match(status, { state: 'succeeded', attempts: 1, statusCode: 200, callback: { state: 'delivered', statusCode: 200 } });
  });

  t.test('binary body round-trips byte for byte (PUT keeps its method)', async (t) => {
    const payload = randomBytes(48 * 1024);
    const res = await post('/async-function/echo', payload, { 'x-callback-url': `${receiver.url}/bin` }, 'PUT');
    t.equal(res.statusCode, 202);
    await res.body.dump();
    const callId = res.headers['x-call-id'] as string;
    const cb = await waitFor(() => callbacksFor(callId)[0], 10_000, 'binary callback');
    t.ok(cb.body.equals(payload), 'callback body identical');
    const invoked = fnServer.requests.find((r) => r.headers['x-call-id'] === callId);
    t.equal(invoked?.method, 'PUT');
    t.ok(invoked?.body.equals(payload), 'function received identical bytes');
  });

  t.test('the same X-Call-Id posted twice runs once', async (t) => {
    const callId = `dedupe-${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      const res = await post('/async-function/echo', `attempt ${i}`, { 'x-call-id': callId, 'x-callback-url': `${receiver.url}/dup` });
      t.equal(res.statusCode, 202);
      t.equal(res.headers['x-call-id'], callId);
      await res.body.dump();
    }
    await waitFor(() => callbacksFor(callId)[0], 10_000, 'callback');
    await new Promise((r) => setTimeout(r, 500));
    t.equal(fnServer.requests.filter((r) => r.headers['x-call-id'] === callId).length, 1, 'one invocation');
    t.equal(callbacksFor(callId).length, 1, 'one callback');
    t.equal(callbacksFor(callId)[0]?.body.toString(), 'attempt 0', 'the first request is the one stored');
  });

  t.test('503 twice then 200: succeeds on attempt 3 after backoff', async (t) => {
    const res = await post('/async-function/flaky', 'x', { 'x-callback-url': `${receiver.url}/flaky`, 'x-test-behaviour': 'flaky' });
    const callId = res.headers['x-call-id'] as string;
    await res.body.dump();
    const cb = await waitFor(() => callbacksFor(callId)[0], 15_000, 'callback after retries');
    t.equal(cb.headers['x-function-status'], '200');
    t.equal(cb.body.toString(), 'finally');
    const attempts = callsTo('flaky').map((r) => r.at);
    t.equal(attempts.length, 3);
    t.ok((attempts[1] as number) - (attempts[0] as number) >= 50, 'first retry waited (≥ min_wait/2)');
    t.ok((attempts[2] as number) - (attempts[1] as number) >= 100, 'second retry waited longer (exponential)');
    t.match(await statusOf(callId), { state: 'succeeded', attempts: 3, statusCode: 200 });
  });

  t.test('400 fails at once, lands in the dead-letter list, and redrive runs it again', async (t) => {
    const res = await post('/async-function/bad', 'payload', { 'x-callback-url': `${receiver.url}/bad`, 'x-test-behaviour': 'bad' });
    const callId = res.headers['x-call-id'] as string;
    await res.body.dump();
    const cb = await waitFor(() => callbacksFor(callId)[0], 10_000, 'failure callback');
    t.equal(cb.headers['x-function-status'], '400');
    const status = await waitFor(async () => ((await statusOf(callId))?.state === 'failed' ? statusOf(callId) : undefined), 5000, 'failed state');
    t.match(status, { state: 'failed', attempts: 1, statusCode: 400, lastResponse: { statusCode: 400, body: Buffer.from('bad input').toString('base64') } });
    t.equal(callsTo('bad').length, 1, 'not retried');
    const dlq = (await (await request(`${gw.url}/system/async?state=failed&function=bad`)).body.json()) as { items: Array<{ callId: string }>; total: number };
    t.ok(dlq.items.some((i) => i.callId === callId), 'in the dead-letter list');
    const redrive = await request(`${gw.url}/system/async/${callId}/retry`, { method: 'POST' });
    t.equal(redrive.statusCode, 202);
    await redrive.body.dump();
    await waitFor(() => callsTo('bad').length === 2, 10_000, 'redriven invocation');
    await waitFor(() => callbacksFor(callId).length === 2, 10_000, 'second callback after redrive');
    const again = await request(`${gw.url}/system/async/${callId}/retry`, { method: 'POST' });
    t.ok([202, 409].includes(again.statusCode), 'redrive of a re-failed call is allowed; of a queued one is 409');
    await again.body.dump();
  });

  t.test('bad input is refused and nothing is enqueued', async (t) => {
    const before = await gw.queuer.counts();
    const cases: Array<[string, Promise<Awaited<ReturnType<typeof request>>>, number, string]> = [
      ['unknown function', post('/async-function/nope', 'x'), 404, 'FUNTAINER_ERR_FUNCTION_NOT_FOUND'],
      ['bad callback scheme', post('/async-function/echo', 'x', { 'x-callback-url': 'ftp://example.com/x' }), 400, 'FUNTAINER_ERR_BAD_REQUEST'],
      ['relative callback', post('/async-function/echo', 'x', { 'x-callback-url': '/relative' }), 400, 'FUNTAINER_ERR_BAD_REQUEST'],
      ['oversize body', post('/async-function/echo', Buffer.alloc(64 * 1024 + 1)), 413, 'FUNTAINER_ERR_BODY_TOO_LARGE'],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      t.equal(res.statusCode, status, name);
      t.match(await res.body.json(), { code }, `${name}: ${code}`);
    }
    const after = await gw.queuer.counts();
    t.same(after.total.waiting + after.total.delayed, before.total.waiting + before.total.delayed, 'queue unchanged');
  });

  t.test('cancel: queued → 202 then cancelled; running → 409; unknown → 404', async (t) => {
    // Occupy the slow function's slots so the next calls stay queued.
    const busy = [];
    for (let i = 0; i < 4; i++) busy.push(await post('/async-function/slow', `b${i}`, { 'x-test-behaviour': 'slow' }));
    await waitFor(async () => (await gw.queuer.counts()).total.active >= 1, 5000, 'a running slow call');
    const running = (await gw.queuer.list({ state: 'running', offset: 0, limit: 10 })).items[0];
    const del409 = await request(`${gw.url}/async-function/${running?.callId}`, { method: 'DELETE' });
    t.equal(del409.statusCode, 409);
    await del409.body.dump();
    const unknown = await request(`${gw.url}/async-function/${randomUUID()}`, { method: 'DELETE' });
    t.equal(unknown.statusCode, 404);
    await unknown.body.dump();
    const queued = await gw.queuer.enqueue({ callId: `cancel-${randomUUID()}`, function: 'slow', namespace: 'openfaas-fn', method: 'POST', path: '', query: '', headers: { 'x-test-behaviour': 'slow' }, body: '', enqueuedAt: Date.now() }).catch(() => undefined);
    t.ok(queued);
    const del = await request(`${gw.url}/async-function/${queued?.callId}`, { method: 'DELETE' });
    t.ok([202, 409].includes(del.statusCode), 'cancelled unless a worker took it first');
    await del.body.dump();
    if (del.statusCode === 202) t.match(await statusOf(queued?.callId as string), { state: 'cancelled' });
    for (const r of busy) await r.body.dump();
  });
}
