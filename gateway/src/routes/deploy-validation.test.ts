/**
 * Deploys the engine could never start, and requests that name things wrongly, are refused at the edge with a
 * coded 400 naming the field (issue 14 #10, #11, #14, #20) — through a real gateway (inject and a real socket).
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { testConfig } from '../testing/gateway-harness.js';

async function gateway(t: { teardown(fn: () => unknown): void }): Promise<Gateway> {
  const gw = await buildGateway({ provider: new MemoryProvider(), config: testConfig(), registry: new Registry() });
  t.teardown(() => gw.close());
  return gw;
}

const base = { service: 'echo', image: 'test/echo:1' };

/** Posts raw JSON text so keys such as `__proto__` reach the gateway exactly as an attacker would send them. */
async function deploy(gw: Gateway, json: string) {
  const res = await gw.app.inject({ method: 'POST', url: '/system/functions', headers: { 'content-type': 'application/json' }, payload: json });
  return { status: res.statusCode, body: (res.body === '' ? {} : res.json()) as { code?: string; message?: string } };
}

t.test('spec fields the engine would refuse or drop are a coded 400 naming the field', async (t) => {
  const gw = await gateway(t);
  const cases: Array<[string, Record<string, unknown> | string, RegExp]> = [
    ['memory below the engine minimum', { ...base, limits: { memory: '1' } }, /limits\.memory: memory must be at least 6Mi/],
    ['memory request below the minimum', { ...base, requests: { memory: '5Mi' } }, /requests\.memory: memory must be at least 6Mi/],
    ['cpu below the engine minimum', { ...base, limits: { cpu: '1m' } }, /limits\.cpu: cpu must be at least 10m/],
    ['empty env name', { ...base, envVars: { '': 'x' } }, /envVars: environment variable names must not be empty/],
    ['env name with =', { ...base, envVars: { 'A=B': 'x' } }, /envVars.*must not contain "="/],
    ['env name with a newline', { ...base, envVars: { 'A\nB': 'x' } }, /envVars.*must not contain "=", newlines/],
    ['env value with NUL', { ...base, envVars: { A: 'x\u0000y' } }, /envVars\.A: .*NUL/],
    ['empty label key', { ...base, labels: { '': 'x' } }, /labels: keys must not be empty/],
    ['invalid label key', { ...base, labels: { 'bad key!': 'x' } }, /labels: key "bad key!" must be letters/],
    ['5000-character label key', { ...base, labels: { ['k'.repeat(5000)]: 'x' } }, /labels: keys must be at most 253 characters \(got 5000\)/],
    ['__proto__ label', '{"service":"echo","image":"test/echo:1","labels":{"__proto__":"x"}}', /labels: "__proto__" is not allowed/],
    ['__proto__ annotation', '{"service":"echo","image":"test/echo:1","annotations":{"__proto__":{"polluted":"1"}}}', /annotations/],
    ['image with spaces', { ...base, image: 'not an image' }, /image: "not an image" is not a valid image reference: it must not contain whitespace/],
    ['image with upper case', { ...base, image: 'Test/Echo' }, /image: .*invalid registry host|image: .*repository component/],
    ['image with a bad tag', { ...base, image: 'echo:-latest' }, /image: .*invalid tag/],
    ['image with a bad digest', { ...base, image: 'echo@sha256:xyz' }, /image: .*invalid digest/],
    ['image with a double slash', { ...base, image: 'a//b' }, /image: .*invalid repository component ""/],
    // The queue-worker applies these labels; a value it cannot use is refused here rather than ignored there.
    ['retry attempts above the queue ceiling', { ...base, labels: { 'com.openfaas.retry.attempts': '500' } }, /labels\.com\.openfaas\.retry\.attempts: "500" is not an integer from 1 to 100/],
    ['retry codes not statuses', { ...base, labels: { 'com.openfaas.retry.codes': '429,abc' } }, /labels\.com\.openfaas\.retry\.codes: "429,abc"/],
    ['retry wait not a duration', { ...base, labels: { 'com.openfaas.retry.min_wait': 'soon' } }, /labels\.com\.openfaas\.retry\.min_wait: "soon" is not a duration/],
  ];
  for (const [what, body, message] of cases) {
    const res = await deploy(gw, typeof body === 'string' ? body : JSON.stringify(body));
    t.equal(res.status, 400, `${what}: status`);
    t.equal(res.body.code, 'FUNTAINER_ERR_INVALID_SPEC', `${what}: code`);
    t.match(res.body.message ?? '', message, `${what}: message`);
  }
  t.same((await gw.app.inject({ method: 'GET', url: '/system/functions' })).json(), [], 'nothing was deployed');
});

t.test('valid definitions at the edges of the rules are accepted', async (t) => {
  const gw = await gateway(t);
  const images = ['echo', 'library/echo:1.2', 'localhost:5000/team/echo:v1', 'registry.example.com/a/b-c__d.e:tag_1', `echo@sha256:${'a'.repeat(64)}`, '[::1]:5000/echo'];
  for (const [i, image] of images.entries()) {
    const spec = {
      service: `fn${i}`,
      image,
      limits: { memory: '6Mi', cpu: '10m' },
      envVars: { PATH_EXTRA: '/x', 'dotted.name': 'ok', MULTI: 'line1\nline2' },
      labels: { 'com.openfaas.scale.min': '1', 'example.com/team': 'a', faas_function: 'x' },
      annotations: { topic: 'a,b', 'prometheus.io.scrape': 'false' },
    };
    const res = await deploy(gw, JSON.stringify(spec));
    t.equal(res.status, 202, `${image}: ${JSON.stringify(res.body)}`);
  }
});

t.test('scale-function: a body serviceName naming another function is a 400; the same name is fine', async (t) => {
  const gw = await gateway(t);
  t.equal((await deploy(gw, JSON.stringify(base))).status, 202);
  const other = await gw.app.inject({ method: 'POST', url: '/system/scale-function/echo', payload: { serviceName: 'other', replicas: 2 } });
  t.equal(other.statusCode, 400);
  t.equal(other.json().code, 'FUNTAINER_ERR_BAD_REQUEST');
  t.match(other.json().message, /serviceName: "other" does not match the function in the path \("echo"\)/);
  t.match((await gw.app.inject({ method: 'GET', url: '/system/function/echo' })).json(), { replicas: 1 }, 'not scaled');
  for (const serviceName of ['echo']) {
    t.equal((await gw.app.inject({ method: 'POST', url: '/system/scale-function/echo', payload: { serviceName, replicas: 2 } })).statusCode, 202, serviceName);
  }
});

/** One raw request on a real socket: the fast path and Fastify's router both see exactly these bytes. */
function get(port: number, path: string): Promise<{ status: number; body: string; internal: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, internal: res.headers['x-openfaas-internal'] as string | undefined }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

t.test('over-long path segments get our coded error body, not Fastify bare 414', async (t) => {
  const gw = await gateway(t);
  await gw.listen();
  const port = (gw.app.server.address() as AddressInfo).port;
  for (const path of [`/system/function/${'a'.repeat(300)}`, `/system/scale-function/${'a'.repeat(300)}`, `/system/function/${'a'.repeat(300)}?namespace=x`]) {
    const res = await get(port, path);
    t.equal(res.status, 414, `${path.slice(0, 30)}: status`);
    t.match(JSON.parse(res.body), { code: 'FUNTAINER_ERR_URI_TOO_LONG', statusCode: 414, message: /longer than 100 characters/ }, 'coded body');
    t.equal(res.internal, 'gateway');
  }
  const invoke = await get(port, `/function/${'a'.repeat(300)}`);
  t.equal(invoke.status, 404, 'the invocation path answers an unknown (over-long) name with its coded 404');
  t.match(JSON.parse(invoke.body), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND' });
});
