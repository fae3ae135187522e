/**
 * The funtainer CLI end to end against a REAL gateway (gateway/dist/main.js) and the real Docker daemon:
 * new → build → deploy → invoke → logs → scale → remove, `up` on the sample stack.yml, and bad stack files.
 * Every container the test creates carries the label funtainer.test=<runId> and is removed in teardown.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CLI_ENTRY, runCli, type CliResult } from './helpers/cli-process.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const GATEWAY = join(ROOT, 'gateway', 'dist', 'main.js');
const RUN_ID = randomBytes(4).toString('hex');
const TEST_LABEL = `funtainer.test=${RUN_ID}`;

function skipReason(): string | undefined {
  if (!existsSync(GATEWAY)) return `gateway not built: ${GATEWAY} is missing (run npx tsc -b gateway)`;
  if (!existsSync(CLI_ENTRY)) return `cli not built: ${CLI_ENTRY} is missing (run npx tsc -b cli)`;
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status !== 0) return 'docker daemon not reachable (bash scripts/env.sh)';
  return undefined;
}

/** Starts the gateway on a free port with auth off and its own network; resolves with its URL. */
async function startGateway(stateDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [GATEWAY], {
    env: {
      ...process.env, port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false',
      functions_network: `funtainer-e2e-${RUN_ID}`, functions_scope: `e2e-${RUN_ID}`, state_dir: stateDir, log_level: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start within 30s: ${stderr}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'gateway listening' && typeof entry.port === 'number') {
          clearTimeout(timer);
          resolvePort(entry.port);
        }
      } catch {
        // not a JSON log line
      }
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The real CLI with this run's environment; `up` builds images, so a run gets up to 10 minutes. */
function makeCli(env: Record<string, string>) {
  return (args: string[], options: { cwd: string; input?: string }): Promise<CliResult> =>
    runCli(args, { cwd: options.cwd, env, input: options.input, timeoutMs: 600_000 });
}

function removeTestContainers(): void {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=${TEST_LABEL}`], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
  // the gateway may have attached containers it does not own to our network; detach them, then drop it
  const network = `funtainer-e2e-${RUN_ID}`;
  const attached = spawnSync('docker', ['network', 'inspect', network, '--format', '{{range .Containers}}{{.Name}} {{end}}'], { encoding: 'utf8' });
  for (const container of attached.stdout.split(/\s+/).filter(Boolean)) spawnSync('docker', ['network', 'disconnect', '-f', network, container], { stdio: 'ignore' });
  spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
}

const reason = skipReason();
if (reason) {
  console.log(`# SKIP cli e2e: ${reason}`);
  // Counted as a skip (not a pass), with its reason.
  t.test('cli end to end', { skip: reason }, () => {});
} else {
  const work = await mkdtemp(join(tmpdir(), `funtainer-e2e-${RUN_ID}-`));
  const gateway = await startGateway(join(work, 'state'));
  t.teardown(async () => {
    // wait for the gateway to exit, or it may re-create replicas or hold the network while we clean up
    const exited = new Promise((resolveExit) => gateway.child.once('exit', resolveExit));
    gateway.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolveLater) => setTimeout(resolveLater, 15_000))]);
    gateway.child.kill('SIGKILL');
    removeTestContainers();
    spawnSync('docker', ['rmi', '-f', `funtainer/e2e-${RUN_ID}:latest`], { stdio: 'ignore' });
    await rm(work, { recursive: true, force: true });
  });
  const cli = makeCli({
    FUNTAINER_URL: gateway.url,
    FUNTAINER_CONFIG: join(work, 'config'),
    FUNTAINER_NODE_IMAGE: process.env.FUNTAINER_NODE_IMAGE ?? 'funtainer/node-base:local',
    FUNTAINER_BASE_IMAGE: process.env.FUNTAINER_BASE_IMAGE ?? 'funtainer/busybox-base:local',
  });
  const name = `e2e-${RUN_ID}`;
  const project = join(work, 'project');
  spawnSync('mkdir', ['-p', project]);
  const ok = (tt: { equal(found: unknown, wanted: unknown, message: string): unknown }, result: CliResult, what: string): void => {
    tt.equal(result.code, 0, `${what} exits 0${result.code ? `: ${result.stderr}` : ''}`);
  };

  await t.test('new → build → deploy → invoke → logs → scale → remove', async (t) => {
    ok(t, await cli(['new', name, '--lang', 'node'], { cwd: project }), 'new');
    const build = await cli(['build', '-l', TEST_LABEL], { cwd: project });
    ok(t, build, 'build');
    t.match(build.stdout, /built 1 image/);
    const deploy = await cli(['deploy', '-l', TEST_LABEL, '--ready-timeout', '60s'], { cwd: project });
    ok(t, deploy, 'deploy');
    t.match(deploy.stdout, new RegExp(`deployed 1 function to ${gateway.url}`));
    const invoke = await cli(['invoke', name], { cwd: project, input: 'ping' });
    ok(t, invoke, 'invoke');
    t.match(JSON.parse(invoke.stdout), { status: 'done', body: 'ping' });
    ok(t, await cli(['logs', name, '--tail', '20'], { cwd: project }), 'logs');
    const scale = await cli(['scale', name, '--replicas', '2', '--ready-timeout', '60s'], { cwd: project });
    ok(t, scale, 'scale');
    const list = await cli(['list'], { cwd: project });
    t.match(list.stdout, new RegExp(`${name}\\s+funtainer/${name}:latest\\s+2/2`));
    ok(t, await cli(['remove', name], { cwd: project }), 'remove');
    const gone = await cli(['describe', name], { cwd: project });
    t.equal(gone.code, 1);
    t.match(gone.stderr, `No such function: ${name}`);
  });

  await t.test('up on the sample stack.yml, then invoke each sample', async (t) => {
    const up = await cli(['up', '-f', join(ROOT, 'stack.yml'), '-l', TEST_LABEL, '--ready-timeout', '90s'], { cwd: ROOT });
    ok(t, up, 'up');
    t.match(up.stdout, /built 4 images, deployed 4 functions/);
    t.equal((await cli(['invoke', 'echo'], { cwd: ROOT, input: 'hello' })).stdout, 'hello');
    const digest = createHash('sha512').update('abc').digest('hex');
    t.match((await cli(['invoke', 'sha512sum'], { cwd: ROOT, input: 'abc' })).stdout, digest);
    t.equal((await cli(['invoke', 'hello-http', '-m', 'GET', '--query', 'name=e2e'], { cwd: ROOT })).stdout, 'Hello, e2e!\n');
    const ticks = await cli(['invoke', 'ticker', '-m', 'GET'], { cwd: ROOT });
    t.equal(ticks.stdout.match(/^data: tick \d+/gm)?.length, 10);
    ok(t, await cli(['remove', '-f', join(ROOT, 'stack.yml')], { cwd: ROOT }), 'remove stack');
  });

  await t.test('bad stack files: precise message, exit 2', async (t) => {
    const cases: [string, string, string][] = [
      ['unknown key', '    image: x\n    colour: red\n', 'bad.yml: functions.fn.colour: unknown key'],
      ['wrong type', '    image: x\n    limits: {memory: [1]}\n', 'bad.yml: functions.fn.limits.memory: must be a string, number or boolean, got a list'],
      ['missing image', '    lang: node\n', 'bad.yml: functions.fn.image: is required'],
    ];
    for (const [what, body, message] of cases) {
      await writeFile(join(project, 'bad.yml'), `provider:\n  name: openfaas\nfunctions:\n  fn:\n${body}`);
      const result = await cli(['deploy', '-f', 'bad.yml'], { cwd: project });
      t.equal(result.code, 2, `${what}: exit 2`);
      t.match(result.stderr, message, what);
    }
  });
}
