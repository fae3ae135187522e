import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { configDir, configPath, readCredentials, readCurrentGateway, removeCredentials, saveCredentials } from './credentials.js';

t.test('login file is written with mode 0600 and read back per gateway', async (t) => {
  const dir = join(await mkdtemp(join(tmpdir(), 'funtainer-cred-')), 'config');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = await saveCredentials(dir, 'http://127.0.0.1:8080/', { user: 'admin', password: 'p:w' });
  t.equal(path, configPath(dir));
  t.equal((await stat(path)).mode & 0o777, 0o600);
  t.equal((await stat(dir)).mode & 0o777, 0o700);
  t.same(await readCredentials(dir, 'http://127.0.0.1:8080'), { user: 'admin', password: 'p:w' });
  t.equal(await readCurrentGateway(dir), 'http://127.0.0.1:8080');
  t.equal(await readCredentials(dir, 'http://other:8080'), undefined);
  t.same(await removeCredentials(dir, 'http://127.0.0.1:8080'), { user: 'admin', path });
  t.equal((await stat(path)).mode & 0o777, 0o600, 'rewritten with mode 0600');
  t.equal(await removeCredentials(dir, 'http://127.0.0.1:8080'), undefined, 'nothing left to remove');
  t.equal(await readCurrentGateway(dir), undefined);
});

t.test('FUNTAINER_CONFIG overrides the folder', async (t) => {
  t.equal(configDir({ FUNTAINER_CONFIG: '/x' }, '/home/u'), '/x');
  t.equal(configDir({}, '/home/u'), '/home/u/.funtainer');
});
