import t from 'tap';
import { DEFAULT_CALLBACK_POLICY, callbackPolicy, checkAddress, checkCallbackHost, classifyAddress } from './callback-policy.js';
import { parseCidr, parseCidrList, parseIp } from './ip-address.js';
import { callbackPolicyEnvShape, callbackPolicyFromEnv } from './callback-policy-env.js';
import { parseEnv } from './env.js';
import { z } from 'zod';

const cidrs = (raw: string) => parseCidrList(raw).cidrs;
const hostOf = (url: string) => new URL(url).hostname;

t.test('parses IPv4, IPv6 and embedded forms to one 128-bit space', async (t) => {
  t.equal(parseIp('169.254.169.254'), parseIp('::ffff:a9fe:a9fe'));
  t.equal(parseIp('::ffff:169.254.169.254'), parseIp('[::ffff:a9fe:a9fe]'));
  t.equal(parseIp('0:0:0:0:0:0:0:1'), parseIp('::1'));
  for (const bad of ['', '1.2.3', '1.2.3.256', '01.2.3.4', '0xa9fea9fe', '2852039166', ':::', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9', '::1.2.3.4:5', 'example.com']) {
    t.equal(parseIp(bad), undefined, `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('CIDR parsing: IPv4 prefixes live in the mapped space; host bits must be zero', async (t) => {
  t.match(parseCidr('10.0.0.0/8'), { prefix: 104 });
  t.match(parseCidr('fd00::/8'), { prefix: 8 });
  t.match(parseCidr('192.0.2.7'), { prefix: 128 });
  t.equal(parseCidr('10.0.0.1/8'), undefined);
  t.equal(parseCidr('10.0.0.0/33'), undefined);
  t.equal(parseCidr('nope/8'), undefined);
  t.same(parseCidrList(' 10.0.0.0/8, ::1 ,bogus').invalid, ['bogus']);
});

t.test('classification table', async (t) => {
  const table: Array<[string, string]> = [
    ['169.254.169.254', 'metadata'], ['::ffff:a9fe:a9fe', 'metadata'], ['fd00:ec2::254', 'metadata'], ['100.100.100.200', 'metadata'],
    ['169.254.1.1', 'link-local'], ['fe80::1', 'link-local'],
    ['127.0.0.1', 'loopback'], ['127.255.0.9', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.1.1', 'private'], ['100.64.0.1', 'private'], ['fd12::1', 'private'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['255.255.255.255', 'reserved'],
    ['8.8.8.8', 'public'], ['172.32.0.1', 'public'], ['2001:4860:4860::8888', 'public'], ['172.15.255.255', 'public'],
    // IPv6 forms that carry an IPv4 address are judged as that address
    ['::169.254.169.254', 'metadata'], ['64:ff9b::a9fe:a9fe', 'metadata'], ['2002:a9fe:a9fe::1', 'metadata'], ['::ffff:0:a9fe:a9fe', 'metadata'], ['64:ff9b::7f00:1', 'loopback'],
  ];
  for (const [text, cls] of table) t.equal(classifyAddress(parseIp(text) as bigint), cls, `${text} is ${cls}`);
});

t.test('default policy: link-local/metadata, loopback, private and internal names denied; public allowed', async (t) => {
  const spellings = ['http://169.254.169.254/', 'http://0xa9fea9fe/', 'http://2852039166/', 'http://0251.0376.0251.0376/', 'http://169.254.43518/', 'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://0xA9.0xFE.0xA9.0xFE/'];
  for (const url of spellings) t.match(checkCallbackHost(hostOf(url), DEFAULT_CALLBACK_POLICY), { allowed: false, reason: 'metadata' }, url);
  const denied: Array<[string, string]> = [
    ['http://127.0.0.1:9999/', 'loopback'], ['http://127.1/', 'loopback'], ['http://[::1]/', 'loopback'], ['http://localhost/', 'loopback'], ['http://LOCALHOST./', 'loopback'], ['http://app.localhost/', 'loopback'],
    ['http://10.0.0.5/', 'private'], ['http://192.168.1.10/', 'private'], ['http://[fd00::1]/', 'private'], ['http://0/', 'unspecified'],
    ['http://redis:6379/', 'internal-name'], ['http://gateway/', 'internal-name'], ['http://db.internal/', 'internal-name'], ['http://printer.local/', 'internal-name'],
    ['http://metadata.google.internal/', 'metadata'], ['http://169.254.10.10/', 'link-local'], ['http://[fe80::1]/', 'link-local'],
  ];
  for (const [url, reason] of denied) t.match(checkCallbackHost(hostOf(url), DEFAULT_CALLBACK_POLICY), { allowed: false, reason }, url);
  for (const url of ['http://example.com/hook', 'https://93.184.216.34/x', 'http://[2001:db8::1]/']) t.same(checkCallbackHost(hostOf(url), DEFAULT_CALLBACK_POLICY), { allowed: true }, url);
});

t.test('allow_private opens loopback, private ranges and internal names, never link-local or metadata', async (t) => {
  const policy = callbackPolicy({ allowPrivate: true });
  for (const url of ['http://127.0.0.1:9999/', 'http://localhost/', 'http://10.0.0.5/', 'http://receiver:9000/', 'http://[::1]/']) t.same(checkCallbackHost(hostOf(url), policy), { allowed: true }, url);
  for (const url of ['http://169.254.169.254/', 'http://0xa9fea9fe/', 'http://[::ffff:a9fe:a9fe]/', 'http://169.254.1.1/', 'http://metadata.google.internal/', 'http://0.0.0.0/']) t.equal(checkCallbackHost(hostOf(url), policy).allowed, false, url);
});

t.test('operator CIDRs: longest prefix wins, tie denies, always-denied classes cannot be allowed', async (t) => {
  const loopbackOnly = callbackPolicy({ allow: cidrs('127.0.0.0/8') });
  t.same(checkAddress('127.0.0.1', loopbackOnly), { allowed: true });
  t.same(checkAddress('::ffff:127.0.0.1', loopbackOnly), { allowed: true }, 'mapped form matches the IPv4 CIDR');
  t.match(checkAddress('10.0.0.1', loopbackOnly), { allowed: false, reason: 'private' });
  t.same(checkCallbackHost('receiver', loopbackOnly), { allowed: true }, 'names deferred to the connect-time check once any CIDR is allowed');

  const allowList = callbackPolicy({ deny: cidrs('0.0.0.0/0,::/0'), allow: cidrs('203.0.113.0/24') });
  t.same(checkAddress('203.0.113.9', allowList), { allowed: true });
  t.match(checkAddress('8.8.8.8', allowList), { allowed: false, reason: 'denied-cidr' });
  t.match(checkAddress('2001:db8::1', allowList), { allowed: false, reason: 'denied-cidr' });

  const carveOut = callbackPolicy({ allow: cidrs('10.0.0.0/8'), deny: cidrs('10.1.0.0/16') });
  t.same(checkAddress('10.2.0.1', carveOut), { allowed: true });
  t.match(checkAddress('10.1.0.1', carveOut), { allowed: false, reason: 'denied-cidr' });
  t.match(checkAddress('10.0.0.1', callbackPolicy({ allow: cidrs('10.0.0.0/8'), deny: cidrs('10.0.0.0/8') })), { allowed: false }, 'a tie denies');
  t.match(checkAddress('8.8.8.8', callbackPolicy({ deny: cidrs('8.8.8.8') })), { allowed: false, reason: 'denied-cidr' });

  const everything = callbackPolicy({ allowPrivate: true, allow: cidrs('0.0.0.0/0,::/0,169.254.169.254') });
  for (const addr of ['169.254.169.254', '::ffff:a9fe:a9fe', 'fe80::1', '0.0.0.0', '224.0.0.1']) t.equal(checkAddress(addr, everything).allowed, false, `${addr} stays denied`);
  t.match(checkAddress('not-an-ip', everything), { allowed: false, reason: 'not-an-address' });
});

t.test('environment: defaults are safe, lists parse, a bad entry is named', async (t) => {
  const schema = z.object(callbackPolicyEnvShape);
  const policy = callbackPolicyFromEnv(parseEnv(schema, {}));
  t.same({ allowPrivate: policy.allowPrivate, allow: policy.allow.length, deny: policy.deny.length }, { allowPrivate: false, allow: 0, deny: 0 });
  t.ok(Object.isFrozen(policy));
  const custom = callbackPolicyFromEnv(parseEnv(schema, { callback_allow_private: 'true', callback_allow_cidrs: '127.0.0.0/8, ::1', callback_deny_cidrs: '10.9.0.0/16' }));
  t.equal(custom.allowPrivate, true);
  t.same(custom.allow.map((c) => c.text), ['127.0.0.0/8', '::1']);
  t.throws(() => parseEnv(schema, { callback_deny_cidrs: '10.0.0.0/8,10.0.0.1/8' }), { code: 'FUNTAINER_ERR_CONFIG_INVALID', message: /callback_deny_cidrs[\s\S]*10\.0\.0\.1\/8/ });
  t.throws(() => parseEnv(schema, { callback_allow_private: 'maybe' }), { message: /callback_allow_private/ });
});
