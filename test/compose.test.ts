/**
 * The production docker-compose path end to end on this machine: scripts/compose-up.sh builds the local
 * stand-in images and the gateway/queue-worker images, starts docker-compose.yml under a unique project name,
 * functions network and free host ports, and waits for health; then the sample stack.yml is built and
 * deployed with the CLI (function names suffixed with the run id), invoked synchronously and asynchronously
 * (the callback receiver listens on the host at the compose network's bridge gateway address, reachable from
 * the queue-worker containers), Prometheus must report the gateway target up and see the invocations, and
 * the autoscaler must report a desired replica count for the loaded function; from inside echo, hello-http (address
 * and name) is out of reach and the gateway's metrics answer 401 without credentials. Teardown (always):
 * scripts/compose-down.sh --volumes, function containers on the test's network, the test images and files.
 *
 *   npx tsc -b test && npx tap --disable-coverage --timeout=900 test/dist/compose.test.js
 *
 * Skips with a printed reason when docker, docker-compose, the CLI build or the deploy/ configs are missing.
 * FUNTAINER_COMPOSE_ONLINE=1 lets compose-up.sh try the official images (default: local stand-ins only).
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(ROOT, 'cli', 'dist', 'main.js');
const RUN_ID = randomBytes(3).toString('hex');
const PROJECT = `ft-it-${RUN_ID}`;
const NETWORK = `ft-it-${RUN_ID}-fn`;
const SAMPLE_FUNCTIONS = ['echo', 'sha512sum', 'hello-http', 'ticker'] as const;
const fn = (name: string): string => `${name}-${RUN_ID}`;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a deadline (SIGKILL of the whole process group when it passes); never rejects. */
function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => void (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => void (stderr += c.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[test] ${cmd} ${args.join(' ')}: killed after ${options.timeoutMs} ms`;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      done({ code: 127, stdout, stderr: `${stderr}\n${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}

const tail = (text: string, lines = 40): string => text.trimEnd().split('\n').slice(-lines).join('\n');

function skipReason(): string | undefined {
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status !== 0) return 'docker daemon not reachable (bash scripts/env.sh)';
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore', timeout: 20_000 }).status !== 0) return 'docker-compose not installed (apt-get install -y docker-compose)';
  if (!existsSync(CLI)) return `cli not built: ${CLI} is missing (npx tsc -b cli)`;
  for (const f of ['deploy/prometheus/prometheus.yml', 'deploy/prometheus/alert.rules.yml', 'deploy/alertmanager/alertmanager.yml']) {
    if (!existsSync(join(ROOT, f)) && !process.env.FUNTAINER_COMPOSE_OVERRIDE) return `${f} is missing (docker-compose.yml mounts it)`;
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it returns a value (not undefined) or the deadline passes. */
async function waitFor<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

async function fetchText(url: string, init: RequestInit = {}, timeoutMs = 15_000): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** stack.yml with every function renamed to <name>-<runId>, images tagged funtainer-it/<name>:<runId>,
 *  handlers made absolute (the copy lives in a temporary directory). Line-based: the sample file's layout. */
function uniqueStack(source: string): string {
  let inFunctions = false;
  return source
    .split('\n')
    .map((line) => {
      if (/^functions:\s*$/.test(line)) inFunctions = true;
      else if (/^\S/.test(line)) inFunctions = false;
      if (!inFunctions) return line;
      const key = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
      if (key?.[1]) return `  ${fn(key[1])}:`;
      const handler = /^(\s+handler:\s*)\.\/(.+)$/.exec(line);
      if (handler?.[1] && handler[2]) return `${handler[1]}${join(ROOT, handler[2])}`;
      const image = /^(\s+image:\s*)funtainer\/([a-z0-9-]+):\S+$/.exec(line);
      if (image?.[1] && image[2]) return `${image[1]}funtainer-it/${image[2]}:${RUN_ID}`;
      return line;
    })
    .join('\n');
}

interface Callback {
  headers: IncomingHttpHeaders;
  body: string;
}

const reason = skipReason();
if (reason) {
  t.comment(`skipping the compose stack test: ${reason}`);
  t.plan(0, reason);
} else {
  const dataDir = await mkdtemp(join(tmpdir(), `${PROJECT}-`));
  const gatewayPort = await freePort();
  const prometheusPort = await freePort();
  const gateway = `http://127.0.0.1:${gatewayPort}`;
  const prometheus = `http://127.0.0.1:${prometheusPort}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: PROJECT,
    FUNCTIONS_NETWORK: NETWORK,
    FUNTAINER_SCOPE: PROJECT,
    FUNTAINER_DATA_DIR: dataDir,
    GATEWAY_PORT: String(gatewayPort),
    PROMETHEUS_PORT: String(prometheusPort),
    FUNTAINER_BIND: '127.0.0.1',
    // the callback receiver listens on the compose network's bridge gateway (a private address)
    FUNTAINER_CALLBACK_ALLOW_PRIVATE: 'true',
    ...(process.env.FUNTAINER_COMPOSE_ONLINE === '1' ? {} : { FUNTAINER_OFFLINE: '1' }),
  };
  t.comment(`project ${PROJECT}, network ${NETWORK}, gateway ${gateway}, prometheus ${prometheus}, data ${dataDir}`);

  t.teardown(async () => {
    const down = await run('bash', ['scripts/compose-down.sh', '--volumes'], { env, timeoutMs: 180_000 });
    if (down.code !== 0) t.comment(`compose-down.sh failed (${down.code}):\n${tail(down.stdout + down.stderr)}`);
    // belt and braces: anything still on the test's network or project, then the network and volumes
    const leftovers = spawnSync('docker', ['ps', '-aq', '--filter', `network=${NETWORK}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const project = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (leftovers.length + project.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...leftovers, ...project], { stdio: 'ignore', timeout: 120_000 });
    const fnNetworks = spawnSync('docker', ['network', 'ls', '--format', '{{.Name}}'], { encoding: 'utf8' }).stdout.split('\n').filter((n) => n.startsWith(`${NETWORK}-`));
    for (const n of fnNetworks) {
      const ids = spawnSync('docker', ['ps', '-aq', '--filter', `network=${n}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      if (ids.length) spawnSync('docker', ['rm', '-f', '-v', ...ids], { stdio: 'ignore', timeout: 120_000 });
    }
    spawnSync('docker', ['network', 'rm', NETWORK, `${PROJECT}_default`, ...fnNetworks], { stdio: 'ignore', timeout: 60_000 });
    const volumes = spawnSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${PROJECT}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    if (volumes.length) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore', timeout: 60_000 });
    // function definitions are labelled volumes of the gateway's Docker provider; compose-down.sh deletes the
    // functions through the gateway, this catches what a failed run left behind
    const definitions = spawnSync('docker', ['volume', 'ls', '-q', '--filter', 'name=funtainer-def-'], { encoding: 'utf8' }).stdout.split('\n').filter((v) => v.includes(`-${RUN_ID}-r`));
    if (definitions.length) {
      t.comment(`removing ${definitions.length} leftover function definition volume(s)`);
      spawnSync('docker', ['volume', 'rm', '-f', ...definitions], { stdio: 'ignore', timeout: 60_000 });
    }
    const images = SAMPLE_FUNCTIONS.map((name) => `funtainer-it/${name}:${RUN_ID}`);
    spawnSync('docker', ['rmi', '-f', ...images], { stdio: 'ignore', timeout: 60_000 });
    await rm(dataDir, { recursive: true, force: true });
  });

  let password = '';
  const auth = (): string => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  await t.test('compose-up.sh: stand-ins, images, stack healthy', async (t) => {
    const standins = await run('bash', ['scripts/images/standins.sh'], { env, timeoutMs: 600_000 });
    t.equal(standins.code, 0, 'stand-in images built', { output: tail(standins.stdout + standins.stderr) });
    const started = Date.now();
    const up = await run('bash', ['scripts/compose-up.sh', '--timeout', '240'], { env, timeoutMs: 900_000 });
    t.comment(`compose-up.sh took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (up.code !== 0) t.comment(tail(up.stdout + up.stderr, 120));
    t.equal(up.code, 0, 'compose-up.sh succeeded');
    t.match(up.stdout, /admin password: \S+ {3}\(generated now and shown once/, 'the generated password is printed once');
    password = readFileSync(join(dataDir, 'secrets', 'basic-auth-password'), 'utf8').trim();
    t.ok(password.length >= 24, 'password stored in secrets/basic-auth-password');
    const ps = spawnSync('docker', ['ps', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Label "com.docker.compose.service"}} {{.Status}}'], { encoding: 'utf8' });
    const services = ps.stdout.trim().split('\n').sort();
    t.comment(services.join('\n'));
    t.equal(services.filter((s) => s.startsWith('queue-worker ')).length, 2, 'two queue-workers');
    for (const name of ['gateway', 'redis', 'prometheus', 'alertmanager']) {
      t.ok(services.some((s) => s.startsWith(`${name} `) && s.includes('(healthy)')), `${name} healthy`);
    }
    const unauthorized = await fetchText(`${gateway}/system/functions`);
    t.equal(unauthorized.status, 401, '/system needs the admin credentials');
    const listed = await fetchText(`${gateway}/system/functions`, { headers: { authorization: auth() } });
    t.equal(listed.status, 200, '/system/functions with the generated credentials');
  });

  await t.test('CLI builds and deploys the sample stack.yml', async (t) => {
    if (!password) return void t.pass('skipped', { skip: 'the stack did not come up' });
    const stackFile = join(dataDir, 'stack.yml');
    await writeFile(stackFile, uniqueStack(readFileSync(join(ROOT, 'stack.yml'), 'utf8')));
    const cliEnv: NodeJS.ProcessEnv = {
      ...env,
      FUNTAINER_URL: gateway,
      FUNTAINER_USER: 'admin',
      FUNTAINER_PASSWORD: password,
      NODE_IMAGE: env.NODE_IMAGE ?? 'funtainer/node-base:local',
      BASE_IMAGE: env.BASE_IMAGE ?? 'funtainer/busybox-base:local',
    };
    if (!existsSync(join(ROOT, 'watchdog', 'dist', 'watchdog-sea')) || !existsSync(join(ROOT, 'watchdog', 'dist', 'watchdog.cjs'))) {
      const sea = await run('npm', ['run', 'build:sea', '-w', 'watchdog'], { env, timeoutMs: 300_000 });
      t.equal(sea.code, 0, 'watchdog bundle + SEA built', { output: tail(sea.stdout + sea.stderr) });
    }
    const base = await run('bash', ['scripts/base-images.sh'], { env, timeoutMs: 600_000 });
    t.equal(base.code, 0, 'base images present', { output: tail(base.stdout + base.stderr) });
    const build = await run(process.execPath, [CLI, 'build', '-f', stackFile], { env: cliEnv, timeoutMs: 600_000, cwd: dataDir });
    t.equal(build.code, 0, 'funtainer build', { output: tail(build.stdout + build.stderr) });
    const deploy = await run(process.execPath, [CLI, 'deploy', '-f', stackFile, '-g', gateway, '--ready-timeout', '120s'], { env: cliEnv, timeoutMs: 300_000, cwd: dataDir });
    t.equal(deploy.code, 0, 'funtainer deploy', { output: tail(deploy.stdout + deploy.stderr) });
    const list = await fetchText(`${gateway}/system/functions`, { headers: { authorization: auth() } });
    const names = (JSON.parse(list.body) as { name: string }[]).map((f) => f.name);
    for (const name of SAMPLE_FUNCTIONS) t.ok(names.includes(fn(name)), `${fn(name)} listed`);
    // one network per function, named after the stack's FUNCTIONS_NETWORK
    const networks = spawnSync('docker', ['network', 'ls', '--filter', 'label=com.funtainer.network=function', '--format', '{{.Name}}'], { encoding: 'utf8' })
      .stdout.split('\n').filter((n) => n.startsWith(`${NETWORK}-`));
    t.ok(networks.length >= SAMPLE_FUNCTIONS.length, `one network per function: ${networks.join(', ')}`);
    const onThem = networks.flatMap((n) => spawnSync('docker', ['ps', '-q', '--filter', 'label=com.funtainer.function', '--filter', `network=${n}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
    t.ok(onThem.length >= SAMPLE_FUNCTIONS.length, 'function containers run on their function networks');
  });

  await t.test('sync invocations through the published gateway port', async (t) => {
    if (!password) return void t.pass('skipped', { skip: 'the stack did not come up' });
    const echo = await waitFor('echo to answer 200', 60_000, async () => {
      const res = await fetchText(`${gateway}/function/${fn('echo')}`, { method: 'POST', body: `hello ${RUN_ID}`, headers: { 'content-type': 'text/plain' } });
      return res.status === 200 ? res : undefined;
    });
    t.equal(echo.body, `hello ${RUN_ID}`, 'echo returns the body');
    const sha = await fetchText(`${gateway}/function/${fn('sha512sum')}`, { method: 'POST', body: 'abc' });
    t.equal(sha.status, 200);
    t.match(sha.body, /^ddaf35a193617aba/, 'sha512sum of "abc"');
    const hello = await fetchText(`${gateway}/function/${fn('hello-http')}`);
    t.equal(hello.status, 200, 'hello-http answers');
  });

  await t.test('async invocation with a callback to the host', async (t) => {
    if (!password) return void t.pass('skipped', { skip: 'the stack did not come up' });
    const bridge = spawnSync('docker', ['network', 'inspect', `${PROJECT}_default`, '-f', '{{range .IPAM.Config}}{{.Gateway}} {{end}}'], { encoding: 'utf8' });
    const gatewayIp = bridge.stdout.trim().split(/\s+/).find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
    t.ok(gatewayIp, `bridge gateway address of ${PROJECT}_default: ${gatewayIp ?? bridge.stderr}`);
    if (!gatewayIp) return;
    const received: Callback[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => void (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, gatewayIp, done));
    t.teardown(() => new Promise<void>((done) => receiver.close(() => done())));
    const address = receiver.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const callbackUrl = `http://${gatewayIp}:${port}/callback`;

    const accepted = await fetchText(`${gateway}/async-function/${fn('echo')}`, {
      method: 'POST',
      body: `async ${RUN_ID}`,
      headers: { 'content-type': 'text/plain', 'x-callback-url': callbackUrl },
    });
    t.equal(accepted.status, 202, 'async invocation accepted');
    const callback = await waitFor('the callback', 90_000, async () => received[0], 500);
    t.equal(callback.body, `async ${RUN_ID}`, 'callback carries the function response');
    t.equal(String(callback.headers['x-function-status']), '200', 'X-Function-Status 200');
    t.match(String(callback.headers['x-function-name'] ?? ''), fn('echo'), 'X-Function-Name');
  });

  await t.test('Prometheus scrapes the gateway; the autoscaler sees load', async (t) => {
    if (!password) return void t.pass('skipped', { skip: 'the stack did not come up' });
    const target = await waitFor('the gateway target to be up in Prometheus', 90_000, async () => {
      const res = await fetchText(`${prometheus}/api/v1/targets`);
      const data = JSON.parse(res.body) as { data: { activeTargets: { labels: Record<string, string>; health: string; scrapeUrl: string }[] } };
      return data.data.activeTargets.find((tg) => /gateway(:|\b)/.test(tg.scrapeUrl) && /:8082\//.test(tg.scrapeUrl) && tg.health === 'up');
    });
    t.ok(target, `gateway target up: ${target.scrapeUrl}`);

    // load: ~15 s of concurrent invocations of echo
    const loadEnd = Date.now() + 15_000;
    let ok = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < loadEnd) {
          const res = await fetchText(`${gateway}/function/${fn('echo')}`, { method: 'POST', body: 'load' }).catch(() => undefined);
          if (res?.status === 200) ok += 1;
        }
      }),
    );
    t.ok(ok > 100, `${ok} invocations under load`);
    const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
      const res = await fetchText(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return (JSON.parse(res.body) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
    };
    const seen = await waitFor('Prometheus to see the invocations', 60_000, async () => {
      const result = await query(`sum(gateway_function_invocation_total{function_name=~"${fn('echo')}.*"})`);
      const value = Number(result[0]?.value[1] ?? 0);
      return value >= ok / 2 ? value : undefined;
    });
    t.ok(seen > 0, `Prometheus counted ${seen} echo invocations`);
    const replicas = await waitFor('a desired replica count for echo', 60_000, async () => {
      const result = await query(`gateway_autoscaler_desired_replicas{function_name=~"${fn('echo')}.*"}`);
      return result[0] ? Number(result[0].value[1]) : undefined;
    });
    t.ok(replicas >= 1, `autoscaler desired replicas for ${fn('echo')}: ${replicas}`);
  });

  // last: its probes leave the gateway idle for seconds, and a kept-alive socket to the published port may
  // then be closed under the next request
  await t.test('isolation: from echo, another function is out of reach and the gateway metrics need credentials', async (t) => {
    if (!password) return void t.pass('skipped', { skip: 'the stack did not come up' });
    const ids = (...filters: string[]) => spawnSync('docker', ['ps', '-q', ...filters.flatMap((f) => ['--filter', f])], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    type Nets = Record<string, { IPAddress: string }>;
    const networksOf = (id: string) => (JSON.parse(spawnSync('docker', ['inspect', id], { encoding: 'utf8' }).stdout) as { NetworkSettings: { Networks: Nets } }[])[0]!.NetworkSettings.Networks;
    const [echo] = ids(`label=com.funtainer.function=${fn('echo')}`);
    const [hello] = ids(`label=com.funtainer.function=${fn('hello-http')}`);
    const [gw] = ids(`label=com.docker.compose.project=${PROJECT}`, 'label=com.docker.compose.service=gateway');
    if (!echo || !hello || !gw) return void t.fail(`containers not found: echo ${echo}, hello-http ${hello}, gateway ${gw}`);
    const [echoNetwork] = Object.keys(networksOf(echo));
    const gatewayIp = networksOf(gw)[echoNetwork ?? '']?.IPAddress;
    t.ok(gatewayIp, `the gateway is on ${echoNetwork}`);
    const probe = (url: string): string => spawnSync('docker', ['exec', echo, 'node', '-e',
      `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(3000) }).then((r) => console.log('reached ' + r.status), (e) => console.log('blocked ' + (e.cause?.code ?? e.name)))`,
    ], { encoding: 'utf8', timeout: 30_000 }).stdout.trim();
    t.match(probe(`http://${gatewayIp}:8080/healthz`), /^reached 200/, 'control: echo reaches the gateway port');
    t.match(probe(`http://${Object.values(networksOf(hello))[0]?.IPAddress}:8080/_/health`), /^blocked/, "echo cannot reach hello-http's address");
    t.match(probe(`http://${fn('hello-http')}:8080/_/health`), /^blocked/, "echo cannot reach hello-http's name");
    t.match(probe(`http://${gatewayIp}:8082/metrics`), /^reached 401/, 'gateway metrics without credentials: 401');
  });
}
