import t from 'tap';
import { fixture, send, startTestWatchdog } from '../testing/harness.js';

const moduleEnv = (handler: string, extra: Record<string, string> = {}) => ({ mode: 'module', handler: fixture(handler), ...extra });

t.test('returned object is sent as JSON', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-hello.cjs'));
  const res = await send(wd.port, { body: 'x' });
  t.equal(res.status, 200);
  t.equal(res.headers['content-type'], 'application/json');
  t.same(JSON.parse(res.text), { hello: 'world', method: 'POST' });
});

t.test('context.status/headers/succeed chain', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-context.cjs'));
  const res = await send(wd.port);
  t.equal(res.status, 201);
  t.equal(res.headers['x-handler'], 'context');
  t.equal(res.headers['content-type'], 'application/vnd.test+json', 'handler content-type wins');
  t.same(JSON.parse(res.text), { created: true, status: 201 });
});

t.test('event: JSON, text, form, raw, query, path, headers', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-echo-event.cjs'));
  const jsonRes = await send(wd.port, {
    path: '/p/q?x=1',
    headers: { 'content-type': 'application/json', 'x-call-id': 'c-1' },
    body: '{"n":5}',
  });
  t.same(JSON.parse(jsonRes.text), { body: { n: 5 }, method: 'POST', query: { x: '1' }, path: '/p/q', callId: 'c-1' });
  const text = await send(wd.port, { headers: { 'content-type': 'text/plain' }, body: 'hi' });
  t.equal(JSON.parse(text.text).body, 'hi');
  const form = await send(wd.port, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
  t.same(JSON.parse(form.text).body, { a: '1' });
  const bad = await send(wd.port, { headers: { 'content-type': 'application/json' }, body: '{nope' });
  t.equal(bad.status, 400);
  const get = await send(wd.port, { method: 'GET' });
  t.same(JSON.parse(get.text).body, {});
});

t.test('RAW_BODY=true hands over a Buffer', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-echo-event.cjs', { RAW_BODY: 'true' }));
  const res = await send(wd.port, { headers: { 'content-type': 'application/json' }, body: '{"n":5}' });
  t.same(JSON.parse(res.text).body, { buffer: 7 });
});

t.test('value kinds: string, Buffer, array, number, nothing', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-values.cjs'));
  const str = await send(wd.port, { path: '/?kind=string' });
  t.equal(str.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(str.text, 'plain text');
  const buf = await send(wd.port, { path: '/?kind=buffer' });
  t.equal(buf.headers['content-type'], 'application/octet-stream');
  t.same([...buf.body], [1, 2, 3]);
  const arr = await send(wd.port, { path: '/?kind=array' });
  t.equal(arr.headers['content-type'], 'application/json');
  t.equal(arr.text, '[1,2,3]');
  t.equal((await send(wd.port, { path: '/?kind=number' })).text, '42');
  const none = await send(wd.port, { path: '/?kind=none' });
  t.equal(none.status, 200);
  t.equal(none.text, '');
});

t.test('throwing and rejecting handlers answer 500 and the watchdog keeps serving', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-throws.cjs'));
  const sync = await send(wd.port, { path: '/?sync' });
  t.equal(sync.status, 500);
  t.equal(sync.headers['x-openfaas-internal'], 'of-watchdog');
  t.notMatch(sync.text, /sync handler failure/, 'error detail stays in the log');
  const rejected = await send(wd.port);
  t.equal(rejected.status, 500);
  t.ok(wd.logs.some((l) => l.msg === 'handler failed'));
});

t.test('context.fail sends the message with 500', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-fail.cjs'));
  const res = await send(wd.port);
  t.equal(res.status, 500);
  t.equal(res.text, 'bad input');
});

t.test('exec_timeout → 504, X-Timeout shortens it', async (t) => {
  const wd = await startTestWatchdog(t, moduleEnv('handler-slow.cjs', { exec_timeout: '300ms' }));
  const started = Date.now();
  const res = await send(wd.port, { path: '/?ms=3000' });
  t.equal(res.status, 504);
  t.equal(res.headers['x-openfaas-internal'], 'of-watchdog');
  t.ok(Date.now() - started < 2000);
  const fast = await send(wd.port, { path: '/?ms=10' });
  t.equal(fast.text, 'slow done');
  const short = await send(wd.port, { path: '/?ms=200', headers: { 'x-timeout': '50ms' } });
  t.equal(short.status, 504);
});

t.test('callback-style and ESM handlers', async (t) => {
  const cb = await startTestWatchdog(t, moduleEnv('handler-callback.cjs'));
  t.same(JSON.parse((await send(cb.port)).text), { via: 'callback' });
  const esm = await startTestWatchdog(t, moduleEnv('handler-esm.mjs'));
  const res = await send(esm.port, { method: 'PUT' });
  t.equal(res.status, 202);
  t.equal(res.text, 'esm PUT');
});

t.test('a file without a handler fails at start', async (t) => {
  await t.rejects(startTestWatchdog(t, moduleEnv('handler-not-a-function.cjs')), { code: 'FAAS_ERR_HANDLER_INVALID' });
  await t.rejects(startTestWatchdog(t, moduleEnv('does-not-exist.cjs')), { code: 'FAAS_ERR_HANDLER_INVALID' });
});
