/** The web UI's static route through app.inject(): types, security headers, caching, 404, auth, redirects. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '../app.js';
import { MemoryProvider } from '../testing/memory-provider.js';
import { BASIC, TEST_CREDENTIALS, testConfig } from '../testing/gateway-harness.js';
import { loadUiAssets, UI_SECURITY_HEADERS } from './ui-routes.js';

async function gatewayFor(t: Tap, auth: boolean): Promise<Gateway> {
  const gw = await buildGateway({
    provider: new MemoryProvider(),
    config: testConfig({ basic_auth: String(auth) }),
    registry: new Registry(),
    ...(auth ? { credentials: TEST_CREDENTIALS } : {}),
  });
  t.teardown(() => gw.close());
  return gw;
}
type Tap = { teardown(fn: () => unknown): void };

const authorized = { authorization: BASIC };

t.test('every file of gateway/ui is served with its content type, security headers and no-cache', async (t) => {
  const app = (await gatewayFor(t, true)).app;
  const types: Record<string, RegExp> = {
    '/ui/': /^text\/html; charset=utf-8$/,
    '/ui/index.html': /^text\/html; charset=utf-8$/,
    '/ui/app.js': /^text\/javascript; charset=utf-8$/,
    '/ui/style.css': /^text\/css; charset=utf-8$/,
    '/ui/favicon.svg': /^image\/svg\+xml/,
  };
  for (const [url, type] of Object.entries(types)) {
    const res = await app.inject({ method: 'GET', url, headers: authorized });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], type, url);
    t.equal(res.headers['cache-control'], 'no-cache', url);
    t.match(res.headers.etag, /^"[\w-]+"$/, url);
    for (const [name, value] of Object.entries(UI_SECURITY_HEADERS)) t.equal(res.headers[name], value, `${url} ${name}`);
  }
  const csp = UI_SECURITY_HEADERS['content-security-policy'];
  t.match(csp, /default-src 'self'/);
  t.notMatch(csp, /unsafe-inline|unsafe-eval/);
  const index = await app.inject({ method: 'GET', url: '/ui/', headers: authorized });
  t.match(index.body, /<script type="module" src="app.js"><\/script>/);
  t.notMatch(index.body, /<style|style=|<script>/, 'no inline script or style (the CSP would block them)');
});

t.test('ETag revalidation answers 304 without a body', async (t) => {
  const app = (await gatewayFor(t, false)).app;
  const first = await app.inject({ method: 'GET', url: '/ui/app.js' });
  const again = await app.inject({ method: 'GET', url: '/ui/app.js', headers: { 'if-none-match': String(first.headers.etag) } });
  t.equal(again.statusCode, 304);
  t.equal(again.body, '');
  t.equal((await app.inject({ method: 'GET', url: '/ui/app.js', headers: { 'if-none-match': '"stale"' } })).statusCode, 200);
});

t.test('unknown paths are 404 with a code; other methods 405; no path escapes the folder', async (t) => {
  const app = (await gatewayFor(t, false)).app;
  for (const url of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/sub/app.js', '/ui/app.js/']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 404, url);
    t.equal(res.json().code, 'FUNTAINER_ERR_NOT_FOUND', url);
  }
  const missing = await app.inject({ method: 'GET', url: '/ui/nope.js' });
  t.equal(missing.headers['x-content-type-options'], 'nosniff', 'errors carry the security headers too');
  const post = await app.inject({ method: 'POST', url: '/ui/', payload: 'x' });
  t.equal(post.statusCode, 405);
  t.equal(post.headers.allow, 'GET');
});

t.test('basic auth: 401 with the browser prompt (WWW-Authenticate) without or with wrong credentials', async (t) => {
  const app = (await gatewayFor(t, true)).app;
  const wrong = `Basic ${Buffer.from('admin:wrong').toString('base64')}`;
  for (const headers of [{}, { authorization: wrong }]) {
    for (const url of ['/ui/', '/ui/app.js', '/ui/nope.js']) {
      const res = await app.inject({ method: 'GET', url, headers });
      t.equal(res.statusCode, 401, url);
      t.equal(res.headers['www-authenticate'], 'Basic realm="Restricted"', url);
      t.equal(res.json().code, 'FUNTAINER_ERR_UNAUTHORIZED');
    }
  }
  t.equal((await app.inject({ method: 'GET', url: '/ui/', headers: authorized })).statusCode, 200);
});

t.test('redirects: / → /ui/ (open, the UI then asks for credentials) and /ui → /ui/', async (t) => {
  const app = (await gatewayFor(t, true)).app;
  const root = await app.inject({ method: 'GET', url: '/' });
  t.ok([302, 307].includes(root.statusCode), `temporary redirect (${root.statusCode})`);
  t.equal(root.headers.location, '/ui/');
  const bare = await app.inject({ method: 'GET', url: '/ui', headers: authorized });
  t.equal(bare.statusCode, 302);
  t.equal(bare.headers.location, '/ui/');
});

t.test('loadUiAssets refuses a folder without index.html or with a file of unknown type', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-ui-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'app.js'), 'export {};');
  await t.rejects(loadUiAssets(dir), { code: 'FUNTAINER_ERR_INTERNAL', message: `web UI folder ${dir} has no index.html` });
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  t.same([...(await loadUiAssets(dir)).keys()].sort(), ['app.js', 'index.html']);
  await writeFile(join(dir, 'notes.txt'), 'x');
  await t.rejects(loadUiAssets(dir), { code: 'FUNTAINER_ERR_INTERNAL', message: /notes\.txt has no known content type/ });
  await t.rejects(loadUiAssets(join(dir, 'missing')), { code: 'FUNTAINER_ERR_INTERNAL', message: /cannot be read/ });
});
