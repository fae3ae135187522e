/**
 * SSRF through callbacks (issue 14 #4), end to end: with the default policy the real gateway refuses callback
 * URLs aimed at metadata/link-local addresses in every spelling, loopback and internal names, with a coded 400
 * and nothing stored; where the gateway's operator allowed private destinations but the worker's did not, the
 * queue-worker refuses at connect time against the resolved address, and the receiver gets nothing.
 */
import t from 'tap';
import { request } from 'undici';
import { spawnWorker, startScriptedServer, waitFor } from './helpers/processes-async.js';
import { startTestGateway } from './helpers/processes-gateway.js';
import { SHARED_REDIS_URL, obliterateQueues, redisUnavailableReason, uniqueQueueName } from './helpers/redis.js';

const reason = await redisUnavailableReason();
if (reason) {
  t.comment(reason);
  t.test('async callback policy', { skip: reason }, () => {});
} else {
  const fnServer = await startScriptedServer(() => ({ status: 200, body: 'secret output' }));
  const receiver = await startScriptedServer(() => ({ status: 200 }));
  t.teardown(async () => {
    await fnServer.close();
    await receiver.close();
  });
  const post = async (url: string, callbackUrl: string) => {
    const res = await request(`${url}/async-function/echo`, { method: 'POST', body: 'x', headers: { 'x-callback-url': callbackUrl } });
    return { status: res.statusCode, body: (await res.body.text()), callId: res.headers['x-call-id'] as string | undefined };
  };

  t.test('default policy: metadata, link-local, loopback and internal callback hosts are a coded 400, nothing stored', async (t) => {
    const queueName = uniqueQueueName('it-ssrf');
    const gw = await startTestGateway({ redisUrl: SHARED_REDIS_URL, queueName, functionUrl: fnServer.url, functions: ['echo'], callbackEnv: {} });
    t.teardown(async () => {
      await gw.close();
      await obliterateQueues(SHARED_REDIS_URL, queueName);
    });
    const refused = [
      'http://169.254.169.254/latest/meta-data/', 'http://0xA9FEA9FE/', 'http://2852039166/', 'http://0251.0376.0251.0376/',
      'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://169.254.1.1/', 'http://[fe80::1]/',
      'http://metadata.google.internal/', 'http://127.0.0.1:9/cb', 'http://[::1]/', 'http://localhost/', 'http://0.0.0.0/',
      'http://10.0.0.5/', 'http://redis/', 'http://db.internal/',
    ];
    for (const url of refused) {
      const res = await post(gw.url, url);
      t.equal(res.status, 400, `${url}: status`);
      t.match(JSON.parse(res.body), { code: 'FUNTAINER_ERR_CALLBACK_URL_DENIED' }, `${url}: code`);
    }
    const counts = await gw.queuer.counts();
    t.equal([...counts.byFunction.values()].reduce((n, c) => n + c.waiting + c.delayed + c.active, 0), 0, 'no call was stored');
  });

  t.test('the worker judges the resolved address again: a loopback receiver its policy refuses gets nothing', async (t) => {
    const queueName = uniqueQueueName('it-ssrf-connect');
    // The gateway's operator allows private destinations; the worker's does not (the default).
    const gw = await startTestGateway({ redisUrl: SHARED_REDIS_URL, queueName, functionUrl: fnServer.url, functions: ['echo'], callbackEnv: { callback_allow_private: 'true' } });
    const worker = spawnWorker({ redis_url: SHARED_REDIS_URL, queue_name: queueName, gateway_url: gw.url, callback_allow_private: 'false' });
    t.teardown(async () => {
      await worker.stop('SIGTERM');
      await gw.close();
      await obliterateQueues(SHARED_REDIS_URL, queueName);
    });
    const before = receiver.requests.length;
    // A name, so only the worker's resolution sees that it is loopback.
    const res = await post(gw.url, `http://localhost.:${receiver.port}/cb`);
    t.equal(res.status, 202, `accepted by the gateway: ${res.body}`);
    const status = await waitFor(async () => {
      const r = await request(`${gw.url}/system/async/${res.callId}`);
      const body = (await r.body.json()) as { state: string; callback?: { state: string } };
      return body.state === 'succeeded' && body.callback?.state === 'failed' ? body : undefined;
    }, 30_000, 'the callback delivery to fail');
    t.match(status, { state: 'succeeded', callback: { state: 'failed' } });
    t.equal(receiver.requests.length, before, 'the receiver got nothing');
    t.match(worker.output(), /FUNTAINER_ERR_CALLBACK_URL_DENIED|callback attempt failed/, 'the worker says why');
  });
}
