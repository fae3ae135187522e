/** The cross-site guard: the pure rule, then the system API through app.inject() with and without auth. */
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { BASIC, TEST_CREDENTIALS, testConfig } from '../testing/gateway-harness.js';
import { crossSiteWriteReason } from './cross-site-guard.js';

t.test('rule: writes from another site are refused; reads, CLIs and the UI itself pass', async (t) => {
  const host = '127.0.0.1:8080';
  t.equal(crossSiteWriteReason('POST', { host }), undefined, 'no browser headers (faas-cli, curl, our CLI)');
  t.equal(crossSiteWriteReason('POST', { host, 'sec-fetch-site': 'same-origin', origin: `http://${host}` }), undefined, 'the web UI');
  t.equal(crossSiteWriteReason('DELETE', { host, 'sec-fetch-site': 'none' }), undefined, 'typed by the user');
  t.equal(crossSiteWriteReason('POST', { host, origin: `http://${host}` }), undefined, 'same origin, older browser');
  t.equal(crossSiteWriteReason('GET', { host, 'sec-fetch-site': 'cross-site' }), undefined, 'reads stay open (no CORS: unreadable)');
  t.match(crossSiteWriteReason('POST', { host, 'sec-fetch-site': 'cross-site' }), /cross-site/);
  t.match(crossSiteWriteReason('PUT', { host, 'sec-fetch-site': 'same-site' }), /same-site/, 'another port of the same host');
  t.match(crossSiteWriteReason('DELETE', { host, origin: 'http://evil.example' }), /evil\.example/);
  t.match(crossSiteWriteReason('POST', { host, origin: 'http://127.0.0.1:9999' }), /9999/, 'another port is another origin');
  t.match(crossSiteWriteReason('POST', { host, origin: 'null' }), /null/, 'sandboxed frames and file: pages');
});

for (const auth of [false, true]) {
  t.test(`system API with basic_auth=${auth}`, async (t) => {
    const provider = new MemoryProvider();
    const gw = await buildGateway({
      provider, config: testConfig({ basic_auth: String(auth) }), registry: new Registry(), ...(auth ? { credentials: TEST_CREDENTIALS } : {}),
    });
    t.teardown(() => gw.close());
    const headers = { host: '127.0.0.1:8080', ...(auth ? { authorization: BASIC } : {}) };
    const deploy = (extra: Record<string, string>, service: string) =>
      gw.app.inject({ method: 'POST', url: '/system/functions', headers: { ...headers, ...extra }, payload: { service, image: 'test/echo:1' } });

    const refused = await deploy({ 'sec-fetch-site': 'cross-site', origin: 'http://evil.example' }, 'csrf');
    t.equal(refused.statusCode, 403);
    t.equal(refused.json().code, 'FUNTAINER_ERR_CROSS_SITE');
    t.equal(await provider.get({ name: 'csrf', namespace: 'openfaas-fn' }), undefined, 'nothing deployed');
    t.equal((await deploy({}, 'cli')).statusCode, 202, 'a CLI deploy passes');
    t.equal((await deploy({ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:8080' }, 'ui')).statusCode, 202, 'the UI passes');
    const scale = await gw.app.inject({
      method: 'POST', url: '/system/scale-function/ui', headers: { ...headers, origin: 'http://127.0.0.1:9999' }, payload: { serviceName: 'ui', replicas: 0 },
    });
    t.equal(scale.statusCode, 403, 'scale from another origin');
    const list = await gw.app.inject({ method: 'GET', url: '/system/functions', headers: { ...headers, 'sec-fetch-site': 'cross-site' } });
    t.equal(list.statusCode, 200, 'reads are not refused');
  });
}
