import t from 'tap';
import { fixture, send, startTestWatchdog as startWatchdog, type TestWatchdog } from '../testing/harness.js';
import type { EnvMap } from '../config.js';
import { launcherCases } from '../testing/launchers.js';

type Teardown = Parameters<typeof startWatchdog>[0];

const nodeFixture = (name: string, ...args: string[]) => [process.execPath, fixture(name), ...args].join(' ');

// Every case runs against both fork launchers: the native helper and Node's spawn must behave the same.
for (const launcher of launcherCases()) {
  t.test(`launcher: ${launcher.name}`, { skip: launcher.skip }, async (t) => {
    const startTestWatchdog = (tt: Teardown, env: EnvMap): Promise<TestWatchdog> => startWatchdog(tt, { ...env, ...launcher.env });

    t.test('buffered round trip with X-Duration-Seconds', async (t) => {
      const wd = await startTestWatchdog(t, { mode: 'serializing', fprocess: nodeFixture('echo.mjs') });
      const res = await send(wd.port, { body: 'serialize me' });
      t.equal(res.status, 200);
      t.equal(res.text, 'serialize me');
      t.equal(res.headers['content-type'], 'application/octet-stream');
      t.equal(res.headers['content-length'], '12');
      t.match(res.headers['x-duration-seconds'], /^\d+\.\d{6}$/);
    });

    t.test('non-zero exit → 500 with Go error text, stderr logged', async (t) => {
      const wd = await startTestWatchdog(t, { mode: 'serializing', fprocess: nodeFixture('exit-1.mjs') });
      const res = await send(wd.port);
      t.equal(res.status, 500);
      t.equal(res.text, 'exit status 1');
      t.ok(res.headers['x-duration-seconds']);
      t.ok(wd.childLines.some((l) => l.includes('failing on purpose')));
      t.equal((await send(wd.port)).status, 500, 'watchdog still serving');
    });

    t.test('exec_timeout → 500 "signal: killed" as of-watchdog', async (t) => {
      const wd = await startTestWatchdog(t, { mode: 'serializing', fprocess: nodeFixture('slow.mjs', '5000'), exec_timeout: '300ms' });
      const started = Date.now();
      const res = await send(wd.port);
      t.equal(res.status, 500);
      t.equal(res.text, 'signal: killed');
      t.ok(Date.now() - started < 3000);
    });

    t.test('missing binary → 500', async (t) => {
      const wd = await startTestWatchdog(t, { mode: 'serializing', fprocess: '/nonexistent/fn' });
      const res = await send(wd.port);
      t.equal(res.status, 500);
      t.match(res.text, /fork\/exec/);
    });

    t.test('a function that never reads a large body still answers', async (t) => {
      const wd = await startTestWatchdog(t, { mode: 'serializing', fprocess: 'echo ignored the body' });
      const res = await send(wd.port, { body: Buffer.alloc(4 * 1024 * 1024) });
      t.equal(res.status, 200);
      t.equal(res.text, 'ignored the body\n');
    });
  });
}
