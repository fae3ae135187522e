import t from 'tap';
import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { Agent, request } from 'undici';
import { DEFAULT_CALLBACK_POLICY, callbackPolicy, type CallbackPolicy } from '@funtainer/core/callback-policy';
import { parseCidrList } from '@funtainer/core/ip-address';
import { CALLBACK_DENIED_CODE, createGuardedConnector, type ResolveAll } from './callback-connector.js';
import { networkErrorCode } from './errors.js';

// A local receiver on loopback counts the connections it accepts: a denied callback must never reach it.
let connections = 0;
const server: Server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
server.on('connection', () => connections++);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

const loopback = callbackPolicy({ allow: parseCidrList('127.0.0.0/8').cidrs });
/** A DNS server under the test's control: each name maps to the addresses of the next answer. */
function fakeDns(answers: Record<string, string[][]>): ResolveAll & { asked: string[] } {
  const asked: string[] = [];
  const resolve = ((hostname, _family, callback) => {
    asked.push(hostname);
    const next = answers[hostname]?.shift() ?? [];
    callback(null, next.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as ResolveAll & { asked: string[] };
  resolve.asked = asked;
  return resolve;
}

async function post(url: string, policy: CallbackPolicy, dns: ResolveAll): Promise<{ status?: number; code?: string }> {
  const agent = new Agent({ connect: createGuardedConnector(policy, 2000, dns) });
  try {
    const res = await request(url, { method: 'POST', body: 'x', dispatcher: agent });
    await res.body.dump();
    return { status: res.statusCode };
  } catch (err) {
    return { code: networkErrorCode(err) };
  } finally {
    await agent.close();
  }
}

t.test('a name whose every address passes is connected to the checked address', async (t) => {
  const dns = fakeDns({ 'receiver.test': [['127.0.0.1']] });
  t.same(await post(`http://receiver.test:${port}/hook`, loopback, dns), { status: 200 });
  t.same(dns.asked, ['receiver.test'], 'resolved once, by the guard itself');
});

t.test('default policy: a name resolving to loopback is refused before connecting', async (t) => {
  const before = connections;
  t.same(await post(`http://receiver.test:${port}/`, DEFAULT_CALLBACK_POLICY, fakeDns({ 'receiver.test': [['127.0.0.1']] })), { code: CALLBACK_DENIED_CODE });
  t.equal(connections, before, 'no connection was made');
});

t.test('one bad address among several refuses the name (every address is checked)', async (t) => {
  const dns = fakeDns({ 'mixed.test': [['127.0.0.1', '169.254.169.254']] });
  t.same(await post(`http://mixed.test:${port}/`, callbackPolicy({ allowPrivate: true }), dns), { code: CALLBACK_DENIED_CODE });
  const mapped = fakeDns({ 'mapped.test': [['::ffff:a9fe:a9fe']] });
  t.same(await post(`http://mapped.test:${port}/`, callbackPolicy({ allowPrivate: true }), mapped), { code: CALLBACK_DENIED_CODE });
});

t.test('DNS rebinding: the answer at connect time is judged, whatever the name resolved to before', async (t) => {
  // First answer public-looking (as when the gateway accepted the URL), then the attacker's metadata address.
  const dns = fakeDns({ 'rebind.test': [['127.0.0.1'], ['169.254.169.254']] });
  t.same(await post(`http://rebind.test:${port}/`, loopback, dns), { status: 200 });
  const before = connections;
  t.same(await post(`http://rebind.test:${port}/`, loopback, dns), { code: CALLBACK_DENIED_CODE });
  t.equal(connections, before);
});

t.test('literal addresses are judged without a lookup, in every spelling undici accepts', async (t) => {
  const before = connections;
  const dns = fakeDns({});
  for (const url of [`http://127.0.0.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://0x7f000001:${port}/`, `http://2130706433:${port}/`]) {
    t.same(await post(url, DEFAULT_CALLBACK_POLICY, dns), { code: CALLBACK_DENIED_CODE }, url);
  }
  t.equal(connections, before, 'none reached the receiver');
  t.same(dns.asked, []);
  t.same(await post(`http://127.0.0.1:${port}/`, loopback, dns), { status: 200 }, 'allowed when the operator allows loopback');
});

t.test('metadata is refused even with everything allowed', async (t) => {
  const all = callbackPolicy({ allowPrivate: true, allow: parseCidrList('0.0.0.0/0,::/0').cidrs });
  t.same(await post('http://169.254.169.254/latest/meta-data/', all, fakeDns({})), { code: CALLBACK_DENIED_CODE });
  t.same(await post('http://0xa9fea9fe/', all, fakeDns({})), { code: CALLBACK_DENIED_CODE });
});
