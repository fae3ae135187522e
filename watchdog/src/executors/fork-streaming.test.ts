import t from 'tap';
import { request } from 'node:http';
import { fixture, send, startTestWatchdog as startWatchdog, waitFor, type TestWatchdog } from '../testing/harness.js';
import type { EnvMap } from '../config.js';
import { launcherCases } from '../testing/launchers.js';

type Teardown = Parameters<typeof startWatchdog>[0];

const nodeFixture = (name: string, ...args: string[]) => [process.execPath, fixture(name), ...args].join(' ');

// Every case runs against both fork launchers: the native helper and Node's spawn must behave the same.
for (const launcher of launcherCases()) {
  t.test(`launcher: ${launcher.name}`, { skip: launcher.skip }, async (t) => {
    const startTestWatchdog = (tt: Teardown, env: EnvMap): Promise<TestWatchdog> => startWatchdog(tt, { ...env, ...launcher.env });

    t.test('body in, stdout out, forced content type', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('echo.mjs'), content_type: 'text/plain' });
      const res = await send(wd.port, { body: 'hello streaming' });
      t.equal(res.status, 200);
      t.equal(res.text, 'hello streaming');
      t.equal(res.headers['content-type'], 'text/plain');
      t.notOk(res.headers['x-duration-seconds'], 'of-watchdog streaming sends no duration');
    });

    t.test('Http_* CGI variables reach the process', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('env-dump.mjs') });
      const res = await send(wd.port, { method: 'PUT', path: '/a/b?x=1', headers: { 'x-call-id': 'call-9' }, body: '' });
      const env = JSON.parse(res.text) as Record<string, string>;
      t.equal(env.Http_X_Call_Id, 'call-9');
      t.equal(env.Http_Method, 'PUT');
      t.equal(env.Http_Path, '/a/b');
      t.equal(env.Http_Query, 'x=1');
    });

    t.test('stderr is logged line by line with prefixes; long lines bounded', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('stderr.mjs'), log_buffer_size: '40' });
      t.equal((await send(wd.port)).text, 'ok');
      await waitFor(() => wd.childLines.length >= 5);
      t.match(wd.childLines[0], /^stderr\|\d{4}-\d\d-\d\dT[\d:.]+Z stderr: first stderr line$/);
      const pieces = wd.childLines.filter((l) => l.includes('xxx'));
      t.equal(pieces.length, 3, '100 x cut into 40-byte pieces');
    });

    t.test('prefix_logs=false logs bare lines', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('stderr.mjs'), prefix_logs: 'false' });
      await send(wd.port);
      await waitFor(() => wd.childLines.length >= 2);
      t.equal(wd.childLines[0], 'stderr|first stderr line');
    });

    t.test('failures before output: crash/exit 1 → 500, missing binary → 500, watchdog survives', async (t) => {
      const crash = await startTestWatchdog(t, { fprocess: nodeFixture('crash.mjs') });
      const res = await send(crash.port);
      t.equal(res.status, 500);
      t.equal(res.headers['x-openfaas-internal'], 'of-watchdog');
      t.equal((await send(crash.port)).status, 500, 'still serving');
      const exit1 = await startTestWatchdog(t, { fprocess: nodeFixture('exit-1.mjs') });
      t.equal((await send(exit1.port)).text, 'exit status 1\n');
      await waitFor(() => exit1.childLines.some((l) => l.includes('failing on purpose')));
      const missing = await startTestWatchdog(t, { fprocess: '/nonexistent/binary' });
      t.equal((await send(missing.port)).status, 500);
    });

    t.test('exec_timeout kills the process: 504 before output, truncated after', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('slow.mjs', '5000'), exec_timeout: '300ms' });
      const started = Date.now();
      const res = await send(wd.port);
      t.equal(res.status, 504);
      t.ok(Date.now() - started < 3000, 'answered near the deadline');
      const partial = await startTestWatchdog(t, { fprocess: nodeFixture('slow-after-output.mjs', '5000'), exec_timeout: '300ms' });
      await t.rejects(send(partial.port), 'connection cut so the client cannot mistake it for success');
    });

    // Client and watchdog share this process, so RSS also holds both sides' not-yet-collected chunks (up to ≈ 40 MiB
    // seen on a loaded machine). 200 MiB keeps the two cases apart: buffering would grow RSS by ≥ 200 MiB.
    t.test('200 MiB streams through without buffering it', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: nodeFixture('huge-output.mjs', '200'), exec_timeout: '60s' });
      const rssBefore = process.memoryUsage().rss;
      let received = 0;
      let peakRss = rssBefore;
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: wd.port, method: 'POST', agent: false }, (res) => {
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if ((received & 0xfffff) < chunk.length) peakRss = Math.max(peakRss, process.memoryUsage().rss);
          });
          res.on('end', resolve);
          res.on('error', reject);
        });
        const timer = setTimeout(() => req.destroy(new Error('200 MiB transfer exceeded 30s')), 30_000);
        req.on('close', () => clearTimeout(timer));
        req.on('error', reject);
        req.end();
      });
      t.equal(received, 200 * 1024 * 1024);
      t.ok(peakRss - rssBefore < 100 * 1024 * 1024, `rss grew by ${((peakRss - rssBefore) / 1048576).toFixed(1)} MiB`);
    });

    t.test('a function that never reads a large body still answers', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: 'echo ignored the body' });
      const res = await send(wd.port, { body: Buffer.alloc(4 * 1024 * 1024) });
      t.equal(res.status, 200);
      t.equal(res.text, 'ignored the body\n');
    });

    t.test('an upload that never ends does not hold back the answer of a function that is done', async (t) => {
      const wd = await startTestWatchdog(t, { fprocess: 'echo done early' });
      const text = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: wd.port, method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
          res.on('error', reject);
        });
        const feeder = setInterval(() => req.write(Buffer.alloc(64 * 1024)), 10);
        const timer = setTimeout(() => req.destroy(new Error('answer held back by the upload')), 5_000);
        req.on('close', () => (clearInterval(feeder), clearTimeout(timer)));
        req.on('error', reject);
        t.teardown(() => req.destroy());
      });
      t.equal(text, '200 done early\n');
    });
  });
}
