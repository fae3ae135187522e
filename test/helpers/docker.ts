/**
 * Docker helpers for integration tests: is the engine there, build the echo fixture image (with the real watchdog
 * bundle, on the registry-free base image), and an isolated "run" whose every resource carries the label
 * `funtainer.test=<runId>` and a unique name, removed by label in teardown.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BASE_IMAGE = 'funtainer/node-base:local';
export const TEST_LABEL = 'funtainer.test';

export async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
  return stdout.trim();
}

/** undefined when Docker answers; otherwise the reason to print when skipping. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await docker(['version', '--format', '{{.Server.Version}}'], 10_000);
    return undefined;
  } catch (err) {
    return `Docker engine not reachable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

async function imageExists(tag: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', tag], 15_000);
    return true;
  } catch {
    return false;
  }
}

/** Builds (once per content hash) the echo function image and returns its tag. */
export function ensureEchoImage(): Promise<string> {
  return ensureFixtureImage('echo');
}

/**
 * Builds a fixture function image from `test/fixtures/functions/<name>/` (its Dockerfile and handler.js plus the
 * real watchdog bundle, on the registry-free base image), once per content hash; returns its tag.
 */
export async function ensureFixtureImage(name: string): Promise<string> {
  const fixture = join(REPO_ROOT, 'test/fixtures/functions', name);
  const bundle = join(REPO_ROOT, 'watchdog/dist/watchdog.cjs');
  if (!existsSync(bundle)) await run('npm', ['run', 'build:bundle', '-w', 'watchdog'], { cwd: REPO_ROOT, timeout: 120_000 });
  if (!(await imageExists(BASE_IMAGE))) await run('bash', ['scripts/base-images.sh', 'node-base'], { cwd: REPO_ROOT, timeout: 300_000 });
  const files = ['Dockerfile', 'handler.js'].map((f) => join(fixture, f)).concat(bundle);
  const hash = createHash('sha256');
  for (const file of files) hash.update(await readFile(file));
  hash.update(await docker(['image', 'inspect', BASE_IMAGE, '--format', '{{.Id}}']));
  const tag = `funtainer-test/${name}:${hash.digest('hex').slice(0, 12)}`;
  if (await imageExists(tag)) return tag;
  const context = await mkdtemp(join(tmpdir(), `funtainer-${name}-`));
  try {
    await copyFile(join(fixture, 'Dockerfile'), join(context, 'Dockerfile'));
    await copyFile(join(fixture, 'handler.js'), join(context, 'handler.js'));
    await copyFile(bundle, join(context, 'watchdog.cjs'));
    await docker(['build', '-q', '--build-arg', `NODE_IMAGE=${BASE_IMAGE}`, '--label', `${TEST_LABEL}=fixture`, '-t', tag, context], 300_000);
  } finally {
    await rm(context, { recursive: true, force: true });
  }
  return tag;
}

export interface DockerTestRun {
  readonly runId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Per-run bridge network, removed in cleanup. */
  readonly network: string;
  readonly secretsDir: string;
  uniqueName(base: string): string;
  /** Removes every container, volume and network labelled with this run, and the secrets directory. */
  cleanup(): Promise<void>;
}

export async function createDockerTestRun(): Promise<DockerTestRun> {
  const runId = randomBytes(3).toString('hex');
  const labels = { [TEST_LABEL]: runId };
  const secretsDir = join(tmpdir(), `funtainer-secrets-${runId}`);
  await mkdir(secretsDir, { recursive: true, mode: 0o700 });
  return {
    runId,
    labels,
    network: `funtainer-test-${runId}`,
    secretsDir,
    uniqueName: (base) => `${base}-${runId}`,
    cleanup: async () => {
      const filter = `label=${TEST_LABEL}=${runId}`;
      const containers = (await docker(['ps', '-aq', '--filter', filter])).split('\n').filter(Boolean);
      if (containers.length > 0) await docker(['rm', '-f', ...containers]).catch(() => '');
      const volumes = (await docker(['volume', 'ls', '-q', '--filter', filter])).split('\n').filter(Boolean);
      if (volumes.length > 0) await docker(['volume', 'rm', '-f', ...volumes]).catch(() => '');
      const networks = (await docker(['network', 'ls', '-q', '--filter', filter])).split('\n').filter(Boolean);
      if (networks.length > 0) await docker(['network', 'rm', ...networks]).catch(() => '');
      await rm(secretsDir, { recursive: true, force: true });
    },
  };
}
