/**
 * A newcomer's first build in a fresh shell (issue 14 #17): `funtainer new` then `funtainer build`, with no
 * FUNTAINER_NODE_IMAGE set, on a machine that cannot pull node:22-bookworm-slim: the CLI finds the local base
 * image itself and says so. Real docker build; the image is removed in teardown.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { docker, dockerUnavailableReason, REPO_ROOT } from './helpers/docker.js';

const CLI = join(REPO_ROOT, 'cli/dist/main.js');
const reason = (await dockerUnavailableReason())
  ?? (spawnSync('docker', ['image', 'inspect', 'node:22-bookworm-slim'], { stdio: 'ignore' }).status === 0 ? 'node:22-bookworm-slim is present here: nothing to detect' : undefined)
  ?? (spawnSync('docker', ['image', 'inspect', 'funtainer/node-base:local'], { stdio: 'ignore' }).status === 0 ? undefined : 'funtainer/node-base:local is not built (scripts/base-images.sh)');
if (reason) console.log(`# SKIP cli build offline: ${reason}`);

t.test('new + build in a fresh shell uses the local base image without FUNTAINER_NODE_IMAGE', { skip: reason ?? false, timeout: 300_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-newcomer-'));
  const name = `newcomer-${process.pid}`;
  t.teardown(async () => {
    await docker(['rmi', '-f', `funtainer/${name}:latest`]).catch(() => '');
    await rm(dir, { recursive: true, force: true });
  });
  // A fresh shell: PATH and HOME only.
  const env = { PATH: process.env.PATH ?? '', HOME: dir };
  const created = spawnSync(process.execPath, [CLI, 'new', name, '--lang', 'node'], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  t.equal(created.status, 0, `new: ${created.stderr}`);
  const stack = join(dir, 'stack.yml');
  const built = spawnSync(process.execPath, [CLI, 'build', '-f', stack], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
  t.equal(built.status, 0, `build exits 0: ${built.stderr.slice(-2000)}`);
  t.match(built.stderr, /using the local base image funtainer\/node-base:local/, 'and says which base it used');
});
