import t from 'tap';
import { fixture, send, startTestWatchdog } from '../testing/harness.js';

t.test('serves files with content types, index.html, 404 and 405', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'static', static_path: fixture('static') });
  const index = await send(wd.port, { method: 'GET', path: '/' });
  t.equal(index.status, 200);
  t.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  t.equal(index.text, '<h1>index</h1>\n');
  const css = await send(wd.port, { method: 'GET', path: '/sub/style.css' });
  t.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const json = await send(wd.port, { method: 'HEAD', path: '/data.json' });
  t.equal(json.status, 200);
  t.equal(json.headers['content-length'], '8');
  t.equal(json.text, '');
  t.equal((await send(wd.port, { method: 'GET', path: '/missing.txt' })).status, 404);
  t.equal((await send(wd.port, { method: 'GET', path: '/sub' })).status, 404, 'directory without index');
  t.equal((await send(wd.port, { method: 'POST', path: '/' })).status, 405);
});

t.test('no path traversal', async (t) => {
  const wd = await startTestWatchdog(t, { mode: 'static', static_path: fixture('static/sub') });
  for (const path of ['/../index.html', '/%2e%2e/index.html', '/..%2findex.html', '/sub/../../index.html']) {
    t.equal((await send(wd.port, { method: 'GET', path })).status, 404, path);
  }
});
