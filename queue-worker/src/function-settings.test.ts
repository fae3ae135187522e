import t from 'tap';
import { createServer } from 'node:http';
import { createFunctionSettingsSource, settingsFromLabels } from './function-settings.js';

const defaults = { attempts: 5, codes: [503], minWaitMs: 1000, maxWaitMs: 60_000 };

t.test('labels override defaults; malformed labels keep them', async (t) => {
  const s = settingsFromLabels({ 'com.openfaas.retry.attempts': '2', 'com.openfaas.retry.codes': '429,502', 'com.openfaas.retry.min_wait': '50ms', 'com.openfaas.retry.max_wait': '1s', 'com.funtainer.timeout': '5s' }, defaults, 60_000);
  t.same(s, { retry: { attempts: 2, codes: [429, 502], minWaitMs: 50, maxWaitMs: 1000 }, invokeTimeoutMs: 5000 });
  const bad = settingsFromLabels({ 'com.openfaas.retry.attempts': 'many', 'com.openfaas.retry.codes': 'x', 'com.openfaas.retry.min_wait': 'soon' }, defaults, 60_000);
  t.same(bad, { retry: defaults, invokeTimeoutMs: 60_000 });
  t.same(settingsFromLabels(undefined, defaults, 1).retry, defaults);
  t.equal(settingsFromLabels({ 'com.openfaas.retry.min_wait': '2m' }, defaults, 1).retry.maxWaitMs, 120_000, 'max never below min');
  // BullMQ's attempts ceiling on the job would cut a larger label silently; the label is cut to the same ceiling.
  t.equal(settingsFromLabels({ 'com.openfaas.retry.attempts': '500' }, defaults, 1).retry.attempts, 100, 'capped at the queue ceiling');
});

t.test('fetches labels with basic auth, caches per TTL, falls back on errors', async (t) => {
  const seen: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.url?.startsWith('/system/function/gone')) return void res.writeHead(404).end();
    if (req.url?.startsWith('/system/function/shy')) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'shy', labels: { 'com.funtainer.private': 'yes' } }));
    }
    if (req.url?.startsWith('/system/function/secret')) {
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'secret', labels: { 'com.funtainer.private': 'true' } }));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'echo', labels: { 'com.openfaas.retry.attempts': '7' } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  let clock = 0;
  const source = createFunctionSettingsSource({ gatewayUrl: `http://127.0.0.1:${port}`, credentials: { user: 'a', password: 'b' }, defaults, invokeTimeoutMs: 1000, ttlMs: 100, now: () => clock });
  t.equal((await source.get('echo', 'openfaas-fn')).retry.attempts, 7);
  await source.get('echo', 'openfaas-fn');
  t.equal(seen.length, 1, 'second lookup served from cache');
  clock = 200;
  await source.get('echo', 'openfaas-fn');
  t.equal(seen.length, 2, 'expired entry refetched');
  t.equal(seen[0], `Basic ${Buffer.from('a:b').toString('base64')}`);
  t.equal((await source.get('gone', 'openfaas-fn')).retry.attempts, 5, '404 → defaults');
  t.equal((await source.get('echo', 'openfaas-fn')).invokeAuthorization, undefined, 'public functions are invoked without credentials');
  t.equal((await source.get('secret', 'openfaas-fn')).invokeAuthorization, seen[0], 'private functions are invoked with the worker credentials');
  t.equal((await source.get('shy', 'openfaas-fn')).invokeAuthorization, seen[0], '"yes" is private to the worker as to the gateway');
  const down = createFunctionSettingsSource({ gatewayUrl: 'http://127.0.0.1:1', credentials: undefined, defaults, invokeTimeoutMs: 1000, ttlMs: 100 });
  t.equal((await down.get('echo', 'openfaas-fn')).retry.attempts, 5, 'unreachable → defaults');
});
