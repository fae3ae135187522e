/**
 * Every template in templates/ must build the way faas-cli builds it: faas-cli copies template/<lang>/ to
 * build/<fn>/, puts the handler in build/<fn>/function/ and runs `docker build` there, knowing nothing of
 * watchdog/dist. So each COPY source of each template Dockerfile must be inside the template folder (after
 * `npm run build` staged the watchdog), and that layout must build on the local base image and answer a call.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { docker, dockerUnavailableReason, REPO_ROOT, TEST_LABEL } from './helpers/docker.js';

const TEMPLATES = join(REPO_ROOT, 'templates');
const RUN_ID = randomBytes(3).toString('hex');
const BUILD_ARGS = ['--build-arg', 'NODE_IMAGE=funtainer/node-base:local', '--build-arg', 'BASE_IMAGE=funtainer/busybox-base:local'];
const names = readdirSync(TEMPLATES).filter((name) => existsSync(join(TEMPLATES, name, 'template.yml')));

/** Sources of every COPY/ADD in a Dockerfile (continuation lines joined; --from copies and flags left out). */
function copySources(dockerfile: string): string[] {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const sources: string[] = [];
  for (const line of lines) {
    const words = line.trim().split(/\s+/);
    if (!/^(COPY|ADD)$/i.test(words[0] ?? '') || words.some((w) => w.startsWith('--from='))) continue;
    const operands = words.slice(1).filter((w) => !w.startsWith('--'));
    sources.push(...operands.slice(0, -1));
  }
  return sources;
}

t.test('every COPY source of every template Dockerfile is in the template folder', async (t) => {
  t.ok(names.length >= 3, `templates found: ${names.join(', ')}`);
  for (const name of names) {
    const sources = copySources(readFileSync(join(TEMPLATES, name, 'Dockerfile'), 'utf8'));
    t.ok(sources.length > 0, `${name}: has COPY lines`);
    for (const source of sources) {
      if (source.includes('*')) continue; // a wildcard may match nothing (optional fork-helper)
      t.ok(existsSync(join(TEMPLATES, name, source)), `${name}: COPY ${source} exists in templates/${name}/ (run npm run build)`);
    }
  }
});

/** Requests the replica on 127.0.0.1:<port> until it answers, within the deadline. */
async function invoke(port: string, body: string, deadlineMs: number): Promise<{ status: number; text: string }> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      // A ref'd timer, not AbortSignal.timeout (unref'd): while Node 20's fetch is still connecting, nothing else
      // in this file holds the event loop, and the process used to drain and end with the test unfinished.
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('no answer within 5 s')), 5_000);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, signal: controller.signal });
        return { status: res.status, text: await res.text() };
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const dockerReason = await dockerUnavailableReason();
for (const name of names) {
  t.test(`faas-cli layout build/<fn>/ of template ${name} builds with docker and answers`, { skip: dockerReason ?? false, timeout: 300_000 }, async (t) => {
    const work = await mkdtemp(join(tmpdir(), `funtainer-faas-layout-${RUN_ID}-`));
    const tag = `funtainer-test/faas-layout-${name}:${RUN_ID}`;
    const container = `funtainer-faas-layout-${name}-${RUN_ID}`;
    t.teardown(async () => {
      await docker(['rm', '-f', container]).catch(() => '');
      await docker(['rmi', '-f', tag]).catch(() => '');
      await rm(work, { recursive: true, force: true });
    });
    // what faas-cli does: the template folder as is, the handler (here the template's own skeleton) as function/
    const context = join(work, 'build', `fn-${name}`);
    await cp(join(TEMPLATES, name), context, { recursive: true });
    await cp(join(TEMPLATES, name, 'function'), join(context, 'function'), { recursive: true });
    await docker(['build', '-q', ...BUILD_ARGS, '--label', `${TEST_LABEL}=${RUN_ID}`, '-t', tag, context], 300_000);
    await docker(['run', '-d', '--name', container, '--label', `${TEST_LABEL}=${RUN_ID}`, '-p', '127.0.0.1::8080', tag]);
    const port = (await docker(['port', container, '8080/tcp'])).split('\n')[0]?.split(':').pop() ?? '';
    const answer = await invoke(port, 'faas-layout', 60_000);
    t.equal(answer.status, 200, `${name}: 200 from the replica (${answer.text})`);
    t.match(answer.text, 'faas-layout', `${name}: the handler saw the body`);
  });
}
