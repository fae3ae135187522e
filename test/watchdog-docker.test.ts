/**
 * The watchdog inside real containers, locked down as production runs it: read-only root, /tmp tmpfs, uid 1000,
 * no capabilities, no-new-privileges, memory and pids limits. One image (bundled watchdog + fixture functions on
 * funtainer/node-base:local) serves every mode; a second image proves the single executable runs in a busybox
 * image without Node. Skips with a printed reason when Docker is unreachable.
 *
 *   npx tsc -b test && npx tap --disable-coverage test/dist/watchdog-docker.test.js
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = join(repo, 'test', 'fixtures', 'processes');
const runId = randomBytes(4).toString('hex');
const label = `funtainer.test=${runId}`;
const nodeImage = `funtainer-test/watchdog-node:${runId}`;
const seaImage = `funtainer-test/watchdog-sea:${runId}`;

function run(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, cwd: repo }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolvePromise(stdout.trim());
    });
  });
}
const docker = (args: string[], timeoutMs?: number) => run('docker', args, timeoutMs);

interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function http(port: number, method: string, path: string, body?: string, deadlineMs = 15_000): Promise<HttpResult> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        clearTimeout(timer);
        resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${path} exceeded ${deadlineMs}ms`)), deadlineMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

let containerCount = 0;

/** Runs a locked-down container and waits (bounded) for /_/ready; returns its id and published port. */
async function startContainer(image: string, env: Record<string, string>): Promise<{ id: string; port: number }> {
  const name = `funtainer-wd-${runId}-${++containerCount}`;
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const id = await docker([
    'run', '-d', '--name', name, '--label', label,
    '--read-only', '--tmpfs', '/tmp:rw,mode=1777,size=16m',
    '--user', '1000:1000', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--memory', '256m', '--pids-limit', '64',
    '-p', '127.0.0.1::8080',
    ...envArgs, image,
  ]);
  const mapping = await docker(['port', id, '8080/tcp']);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(mapping)?.[1]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await http(port, 'GET', '/_/ready', undefined, 1000)).status === 200) return { id, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      const logs = await docker(['logs', id]).catch(() => '');
      throw new Error(`container ${name} not ready within 15s\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function dockerReachable(): Promise<string | undefined> {
  try {
    await docker(['info', '--format', '{{.ServerVersion}}'], 10_000);
    return undefined;
  } catch (err) {
    return `Docker is not reachable: ${(err as Error).message.split('\n')[0]}`;
  }
}

async function buildImages(): Promise<void> {
  await run('bash', ['scripts/base-images.sh', 'node-base', 'busybox-base'], 300_000);
  await run(process.execPath, ['watchdog/scripts/bundle.mjs'], 60_000);
  await run(process.execPath, ['watchdog/scripts/sea.mjs'], 120_000);
  const context = mkdtempSync(join(tmpdir(), 'watchdog-image-'));
  try {
    let dockerfile = readFileSync(join(fixtures, 'watchdog-image', 'Dockerfile'), 'utf8');
    // The native fork helper (npm run build, when gcc exists) goes next to watchdog.cjs, where fork_helper=auto
    // looks for it, as templates/node/Dockerfile does with `COPY watchdog.cjs fork-helper* ...`.
    const forkHelper = join(repo, 'watchdog', 'dist', 'fork-helper');
    if (existsSync(forkHelper)) {
      copyFileSync(forkHelper, join(context, 'fork-helper'));
      if (!dockerfile.includes('fork-helper')) dockerfile = dockerfile.replace(/^COPY watchdog\.cjs (\S*\/)watchdog\.cjs$/m, 'COPY watchdog.cjs fork-helper* $1');
    }
    writeFileSync(join(context, 'Dockerfile'), dockerfile);
    copyFileSync(join(fixtures, 'watchdog-image', 'Dockerfile.sea'), join(context, 'Dockerfile.sea'));
    copyFileSync(join(repo, 'watchdog', 'dist', 'watchdog.cjs'), join(context, 'watchdog.cjs'));
    copyFileSync(join(repo, 'watchdog', 'dist', 'watchdog-sea'), join(context, 'watchdog-sea'));
    cpSync(fixtures, join(context, 'functions'), { recursive: true, filter: (src) => !src.includes('watchdog-image') });
    await docker(['build', '-q', '--label', label, '--build-arg', 'NODE_IMAGE=funtainer/node-base:local', '-t', nodeImage, context], 300_000);
    await docker(['build', '-q', '--label', label, '-f', join(context, 'Dockerfile.sea'), '-t', seaImage, context], 300_000);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

const skipReason = await dockerReachable();
if (skipReason !== undefined) {
  console.log(`# SKIP watchdog-docker: ${skipReason}`);
  t.plan(0, skipReason);
} else {
  t.teardown(async () => {
    const ids = await docker(['ps', '-aq', '--filter', `label=${label}`]).catch(() => '');
    if (ids !== '') await docker(['rm', '-f', ...ids.split('\n')]).catch(() => undefined);
    await docker(['rmi', '-f', nodeImage, seaImage]).catch(() => undefined);
  });
  await buildImages();

  t.test('module mode', async (t) => {
    const { port } = await startContainer(nodeImage, { mode: 'module', handler: '/home/app/handler-hello.cjs' });
    const res = await http(port, 'POST', '/', '{}');
    t.equal(res.status, 200);
    t.same(JSON.parse(res.text), { hello: 'world', method: 'POST' });
  });

  t.test('http mode', async (t) => {
    const { port } = await startContainer(nodeImage, {
      mode: 'http',
      fprocess: 'node /home/app/http-upstream.mjs 5000',
      upstream_url: 'http://127.0.0.1:5000',
    });
    const res = await http(port, 'PUT', '/x?y=1', 'through the proxy');
    t.equal(res.status, 200);
    t.match(JSON.parse(res.text), { method: 'PUT', url: '/x?y=1', body: 'through the proxy' });
    t.ok(res.headers['x-duration-seconds']);
  });

  t.test('streaming and serializing modes', async (t) => {
    const streaming = await startContainer(nodeImage, { mode: 'streaming', fprocess: 'cat' });
    t.equal((await http(streaming.port, 'POST', '/', 'streamed')).text, 'streamed');
    const serializing = await startContainer(nodeImage, { mode: 'serializing', fprocess: 'node /home/app/echo.mjs' });
    const res = await http(serializing.port, 'POST', '/', 'serialized');
    t.equal(res.text, 'serialized');
    t.ok(res.headers['x-duration-seconds']);
  });

  t.test('static mode', async (t) => {
    const { port } = await startContainer(nodeImage, { mode: 'static', static_path: '/home/app/static' });
    const res = await http(port, 'GET', '/');
    t.equal(res.status, 200);
    t.equal(res.text, '<h1>index</h1>\n');
    t.equal((await http(port, 'GET', '/../etc/passwd')).status, 404);
  });

  t.test('max_inflight → 429 and exec_timeout → 504', async (t) => {
    const { port } = await startContainer(nodeImage, {
      mode: 'module',
      handler: '/home/app/handler-slow.cjs',
      max_inflight: '1',
      exec_timeout: '1s',
    });
    const slow = http(port, 'POST', '/?ms=5000');
    await new Promise((r) => setTimeout(r, 300));
    const limited = await http(port, 'POST', '/?ms=1');
    t.equal(limited.status, 429);
    t.equal(limited.text, 'Concurrent request limit exceeded. Max concurrent requests: 1');
    const timedOut = await slow;
    t.equal(timedOut.status, 504);
    t.equal(timedOut.headers['x-openfaas-internal'], 'of-watchdog');
  });

  t.test('SIGTERM drains: in-flight request completes, exit code 0', async (t) => {
    const { id, port } = await startContainer(nodeImage, {
      mode: 'module',
      handler: '/home/app/handler-slow.cjs',
      healthcheck_interval: '1s',
      write_timeout: '10s',
    });
    const inflight = http(port, 'POST', '/?ms=2500');
    await new Promise((r) => setTimeout(r, 300));
    const stopped = docker(['stop', '-t', '20', id], 30_000);
    const res = await inflight;
    t.equal(res.status, 200);
    t.equal(res.text, 'slow done');
    await stopped;
    t.equal(await docker(['inspect', '-f', '{{.State.ExitCode}}', id]), '0');
  });

  t.test('single executable in a busybox image without Node is a function (sha512sum)', async (t) => {
    t.equal(await docker(['run', '--rm', '--label', label, '--entrypoint', 'sh', seaImage, '-c', 'command -v node || echo none']), 'none');
    const { port } = await startContainer(seaImage, {});
    const payload = `hello from ${runId}\n`.repeat(1000);
    const res = await http(port, 'POST', '/', payload);
    t.equal(res.status, 200);
    t.equal(res.text, `${createHash('sha512').update(payload).digest('hex')}  -\n`);
  });
}
