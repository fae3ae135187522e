import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t, { type Test } from 'tap';
import { configPath, readCredentials, readCurrentGateway, saveCredentials } from './credentials.js';
import type { Io } from './io.js';
import { run } from './run.js';

/** A scratch folder whose .cfg is the login folder; `cli` runs the CLI in-process there with captured output. */
async function setup(t: Test) {
  const cwd = await mkdtemp(join(tmpdir(), 'funtainer-logout-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const dir = join(cwd, '.cfg');
  async function cli(argv: string[]) {
    let out = '';
    let err = '';
    const io: Io = { out: (text) => void (out += `${text}\n`), err: (text) => void (err += `${text}\n`), writeOut: () => {}, stdin: new PassThrough(), stdinIsTTY: true };
    const code = await run(argv, { env: { FUNTAINER_CONFIG: dir }, cwd, homeDir: cwd, io, signal: new AbortController().signal });
    return { code, out, err };
  }
  return { dir, cli };
}

t.test('logout -g removes that gateway only, says what it removed and keeps mode 0600', async (t) => {
  const { dir, cli } = await setup(t);
  await saveCredentials(dir, 'http://a:8080', { user: 'alice', password: 'pa' });
  await saveCredentials(dir, 'http://b:8080', { user: 'bob', password: 'pb' });
  await chmod(configPath(dir), 0o644); // loosened by hand: rewriting the file tightens it again
  const result = await cli(['logout', '-g', 'http://a:8080/']);
  t.equal(result.code, 0, result.err);
  t.equal(result.out, `removed the credentials of user "alice" for http://a:8080 from ${configPath(dir)}\n`);
  t.equal((await stat(configPath(dir))).mode & 0o777, 0o600);
  t.equal(await readCredentials(dir, 'http://a:8080'), undefined);
  t.same(await readCredentials(dir, 'http://b:8080'), { user: 'bob', password: 'pb' }, 'the other gateway is kept');
  t.equal(await readCurrentGateway(dir), 'http://b:8080', 'current untouched when another gateway was removed');
});

t.test('logout without -g removes the current gateway; a second logout fails with exit 1', async (t) => {
  const { dir, cli } = await setup(t);
  await saveCredentials(dir, 'http://b:8080', { user: 'bob', password: 'pb' });
  const first = await cli(['logout']);
  t.equal(first.code, 0, first.err);
  t.match(first.out, 'user "bob" for http://b:8080');
  t.equal(await readCurrentGateway(dir), undefined);
  const again = await cli(['logout']);
  t.equal(again.code, 1);
  t.equal(again.out, '');
  t.match(again.err, `error: no credentials stored for http://127.0.0.1:8080 in ${configPath(dir)} (nothing is stored)`);
});

t.test('nothing to remove: exit 1 naming the stored gateways; no login file is created', async (t) => {
  const { dir, cli } = await setup(t);
  const missing = await cli(['logout', '-g', 'http://a:8080']);
  t.equal(missing.code, 1);
  t.match(missing.err, 'no credentials stored for http://a:8080');
  await t.rejects(stat(configPath(dir)), { code: 'ENOENT' }, 'logout never creates the file');
  await saveCredentials(dir, 'http://b:8080', { user: 'bob', password: 'pb' });
  const other = await cli(['logout', '-g', 'http://a:8080']);
  t.equal(other.code, 1);
  t.match(other.err, 'stored gateways: http://b:8080; pick one with -g URL');
  t.same(await readCredentials(dir, 'http://b:8080'), { user: 'bob', password: 'pb' });
});

t.test('usage: a positional is exit 2; help lists logout', async (t) => {
  const { cli } = await setup(t);
  const positional = await cli(['logout', 'http://a:8080']);
  t.equal(positional.code, 2);
  t.match(positional.err, 'name the gateway with -g URL');
  t.match((await cli(['help'])).out, /\n {2}logout +Remove saved gateway credentials\n/);
  t.match((await cli(['logout', '--help'])).out, 'usage: funtainer logout [-g URL]');
});
