/**
 * Builds a fixture function image from `test/fixtures/functions/<name>/` (its Dockerfile and handler.js plus the
 * real watchdog bundle, on the registry-free base image), once per content hash, like ensureEchoImage does for
 * the echo fixture. For fixtures other than echo (e.g. `slow`, which answers after `?delay=<ms>`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BASE_IMAGE, docker, ensureEchoImage, REPO_ROOT, TEST_LABEL } from './docker.js';

const run = promisify(execFile);

async function imageExists(tag: string): Promise<boolean> {
  return docker(['image', 'inspect', tag], 15_000).then(() => true, () => false);
}

/** Returns the tag of the fixture's image, building it when its content changed. */
export async function ensureFixtureImage(name: string): Promise<string> {
  // The echo image's preparation also builds the watchdog bundle and the base image when they are missing.
  await ensureEchoImage();
  const fixture = join(REPO_ROOT, 'test/fixtures/functions', name);
  const bundle = join(REPO_ROOT, 'watchdog/dist/watchdog.cjs');
  if (!existsSync(bundle)) await run('npm', ['run', 'build:bundle', '-w', 'watchdog'], { cwd: REPO_ROOT, timeout: 120_000 });
  const hash = createHash('sha256');
  for (const file of [join(fixture, 'Dockerfile'), join(fixture, 'handler.js'), bundle]) hash.update(await readFile(file));
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
