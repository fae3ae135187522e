/**
 * What only the native fork helper can get wrong: routing many concurrent requests by id, abandoned requests, the
 * helper dying under the watchdog, and the fallback to Node spawn.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fixture, send, startTestWatchdog, waitFor } from '../testing/harness.js';
import { FORK_HELPER_PATH, launcherCases } from '../testing/launchers.js';

const nodeFixture = (name: string, ...args: string[]) => [process.execPath, fixture(name), ...args].join(' ');
const helper = launcherCases().find((c) => c.name === 'helper');
const skip = helper?.skip ?? 'no helper case';

/** Pids of this test process's fork helpers (children whose command line starts with the helper's path). */
function helperPids(): number[] {
  const children = readdirSync(`/proc/${process.pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
  return children.map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith(FORK_HELPER_PATH);
    } catch {
      return false;
    }
  });
}

t.test('the helper is used, and concurrent requests get their own output and variables', { skip }, async (t) => {
  const wd = await startTestWatchdog(t, { fprocess: nodeFixture('env-dump.mjs'), fork_helper: FORK_HELPER_PATH });
  t.ok(wd.logs.some((l) => l.msg === 'fork launcher: helper'));
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => send(wd.port, { headers: { 'x-n': String(i) }, path: `/p${i}` })),
  );
  results.forEach((res, i) => {
    const env = JSON.parse(res.text) as Record<string, string>;
    t.equal(env.Http_X_N, String(i));
    t.equal(env.Http_Path, `/p${i}`);
  });
});

t.test('a client that goes away mid-request frees its slot and its process', { skip }, async (t) => {
  const wd = await startTestWatchdog(t, { fprocess: nodeFixture('slow.mjs', '5000'), fork_helper: FORK_HELPER_PATH });
  const req = request({ host: '127.0.0.1', port: wd.port, method: 'POST', agent: false });
  req.on('error', () => {});
  req.write('partial body');
  await new Promise((r) => setTimeout(r, 300));
  req.destroy();
  await waitFor(() => !/http_requests_in_flight 1/.test(wd.metrics.render()), 3_000);
  t.pass('in-flight back to 0 well before the function would have finished');
});

t.test('the helper dying fails in-flight requests with 500 and is restarted', { skip }, async (t) => {
  const wd = await startTestWatchdog(t, { fprocess: nodeFixture('echo.mjs'), fork_helper: FORK_HELPER_PATH });
  const before = helperPids();
  // In flight until its body ends, which it never does: the helper dies first.
  const inflight = new Promise<number>((resolve) => {
    const req = request({ host: '127.0.0.1', port: wd.port, method: 'POST', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
    req.write('never finished');
  });
  await waitFor(() => /http_requests_in_flight 1/.test(wd.metrics.render()));
  const [pid] = helperPids().filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('echo.mjs'));
  t.ok(pid !== undefined && before.includes(pid), 'found the helper process');
  process.kill(pid as number, 'SIGKILL');
  t.equal(await inflight, 500);
  await waitFor(() => wd.logs.some((l) => l.msg === 'fork helper died; restarting it'));
  await waitFor(() => wd.logs.some((l) => l.msg === 'fork helper restarted'));
  t.equal((await send(wd.port, { body: 'after restart' })).text, 'after restart');
});

t.test('a helper that cannot run falls back to Node spawn', async (t) => {
  const wd = await startTestWatchdog(t, { fprocess: nodeFixture('echo.mjs'), fork_helper: '/nonexistent/fork-helper' });
  t.ok(wd.logs.some((l) => l.msg === 'fork launcher: node spawn'));
  t.equal((await send(wd.port, { body: 'still works' })).text, 'still works');
});
