import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { generationSecretsDir } from './secret-layout.js';
import { SecretMounts } from './secret-mounts.js';
import { SecretStore } from './secret-store.js';

const silent = { info() {}, warn() {}, error() {} };
const ns = 'openfaas-fn';
const fn = { namespace: ns, name: 'echo', generation: 1 };
const spec = (...secrets: string[]) => FunctionDeploymentSchema.parse({ service: 'echo', image: 'i', secrets });
const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function setUp(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-secret-mounts-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = new SecretStore(dir);
  const mounts = new SecretMounts(store, dir, 'default', silent);
  const genDir = (generation = 1, scope = 'default', name = 'echo') => generationSecretsDir(dir, { scope, namespace: ns, name, generation });
  return { dir, store, mounts, genDir };
}

t.test('prepare: exactly the listed secrets, private on the host, readable by any container uid', async (t) => {
  const { dir, store, mounts, genDir } = await setUp(t);
  await store.create({ name: 'a', namespace: ns }, Buffer.from('va'));
  await store.create({ name: 'b', namespace: ns }, Buffer.from('vb'));
  const umask = process.umask(0o077); // the strictest umask must not take the container's read bits
  try {
    await mounts.prepare(spec('a', 'b'), fn);
  } finally {
    process.umask(umask);
  }
  t.same((await readdir(genDir())).sort(), ['a', 'b']);
  t.equal(await readFile(join(genDir(), 'a'), 'utf8'), 'va');
  t.equal(await mode(join(dir, '.mounts')), 0o700, 'host barrier');
  t.equal(await mode(join(dir, '.mounts', 'default', ns, 'echo')), 0o700);
  t.equal(await mode(genDir()), 0o755, 'the mounted directory');
  t.equal(await mode(join(genDir(), 'a')), 0o444, 'copies are read-only');

  await writeFile(join(genDir(), 'leftover'), 'x'); // e.g. from an earlier function of the same name
  await mounts.prepare(spec('a'), fn);
  t.same(await readdir(genDir()), ['a'], 'unlisted secrets removed');
  await t.rejects(mounts.prepare(spec('a', 'missing'), fn), { code: 'FUNTAINER_ERR_SECRET_NOT_FOUND' });
  await mounts.prepare(spec(), { ...fn, generation: 2 });
  await t.rejects(stat(genDir(2)), { code: 'ENOENT' }, 'no directory without secrets');
});

t.test('refresh: every directory holding the secret, any scope; delete keeps copies; re-create refreshes them', async (t) => {
  const { dir, store, mounts, genDir } = await setUp(t);
  const a = { name: 'a', namespace: ns };
  await store.create(a, Buffer.from('v1'));
  await store.create({ name: 'b', namespace: ns }, Buffer.from('b'));
  await mounts.prepare(spec('a'), fn);
  await mounts.prepare(spec('a'), { ...fn, generation: 2 });
  await new SecretMounts(store, dir, 'abc123', silent).prepare(spec('a'), fn);
  await mounts.prepare(spec('b'), { ...fn, name: 'other' });
  const before = await stat(join(genDir(1), 'a'));

  await store.update(a, Buffer.from('v2'));
  await mounts.refresh(a);
  for (const dir of [genDir(1), genDir(2), genDir(1, 'abc123')]) t.equal(await readFile(join(dir, 'a'), 'utf8'), 'v2', dir);
  t.not((await stat(join(genDir(1), 'a'))).ino, before.ino, 'replaced by rename: a new inode, never written in place');
  t.same(await readdir(genDir(1, 'default', 'other')), ['b'], 'a function not listing it gets no copy');

  await store.delete(a);
  await mounts.refresh(a);
  t.equal(await readFile(join(genDir(1), 'a'), 'utf8'), 'v2', 'running replicas keep the value of a deleted secret');
  await store.create(a, Buffer.from('v3'));
  await mounts.refresh(a);
  t.equal(await readFile(join(genDir(1), 'a'), 'utf8'), 'v3', 're-created: copies follow');
});

t.test('racing writers end at the latest stored value; readers never see a partial one', async (t) => {
  const { store, mounts, genDir } = await setUp(t);
  const a = { name: 'a', namespace: ns };
  const value = (i: number) => Buffer.alloc(256 * 1024, String.fromCharCode(97 + (i % 26)));
  await store.create(a, value(0));
  await mounts.prepare(spec('a'), fn);
  let reading = true;
  let reads = 0;
  const torn: string[] = [];
  const reader = (async () => {
    while (reading) {
      const seen = await readFile(join(genDir(), 'a'), 'latin1');
      reads++;
      if (seen.length !== 256 * 1024 || seen !== seen[0]!.repeat(seen.length)) torn.push(`${seen.length}`);
    }
  })();
  // Each update writes the store then refreshes; a prepare of the same generation runs alongside (a relaunch).
  await Promise.all(Array.from({ length: 25 }, async (_, i) => {
    await store.update(a, value(i + 1));
    await (i % 5 === 0 ? mounts.prepare(spec('a'), fn) : mounts.refresh(a));
  }));
  reading = false;
  await reader;
  t.same(torn, [], `no partial value in ${reads} reads`);
  t.ok((await readFile(join(genDir(), 'a'))).equals((await store.read(a))!), 'the copy equals the latest stored value');
  t.same(await readdir(genDir()), ['a'], 'no temp file left');
});

t.test('maintain: prunes what nothing uses, repairs stale copies; removeFunction deletes the tree', async (t) => {
  const { store, mounts, genDir } = await setUp(t);
  const a = { name: 'a', namespace: ns };
  await store.create(a, Buffer.from('v1'));
  await mounts.prepare(spec('a'), fn);
  await mounts.prepare(spec('a'), { ...fn, generation: 2 });
  await mounts.prepare(spec('a'), { ...fn, name: 'removed' });
  const past = new Date(Date.now() - 10 * 60_000);
  for (const dir of [genDir(1), genDir(2), genDir(1, 'default', 'removed')]) await utimes(dir, past, past);
  await store.update(a, Buffer.from('v2')); // as if the gateway stopped before refreshing the copies

  await mounts.maintain({ current: new Map([[`${ns}/echo`, 2]]), containers: new Set() });
  await t.rejects(stat(genDir(1)), { code: 'ENOENT' }, 'rolled-away generation pruned');
  await t.rejects(stat(join(genDir(1, 'default', 'removed'), '..')), { code: 'ENOENT' }, 'removed function pruned with its directory');
  t.equal(await readFile(join(genDir(2), 'a'), 'utf8'), 'v2', 'stale copy repaired');

  const redeployed = { ...fn, name: 'again' };
  await mounts.prepare(spec('a'), redeployed);
  await utimes(genDir(1, 'default', 'again'), past, past); // a leftover directory of an earlier function
  await mounts.prepare(spec('a'), redeployed); // redeployed: copies already current, nothing rewritten
  await mounts.maintain({ current: new Map(), containers: new Set() }); // the sweep saw no definition yet
  t.same(await readdir(genDir(1, 'default', 'again')), ['a'], 'a just-prepared directory is never pruned');

  await mounts.removeFunction({ namespace: ns, name: 'echo' });
  await t.rejects(stat(join(genDir(2), '..')), { code: 'ENOENT' });
});
