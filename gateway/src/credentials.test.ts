import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { resolveCredentials } from './credentials.js';

t.test('env, then mounted secret files, then a generated password saved 0600 and reused', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gw-cred-'));
  const secrets = join(dir, 'secrets');
  const state = join(dir, 'state');
  const base = { basicAuthUser: undefined, basicAuthPassword: undefined, secretMountPath: secrets, stateDir: state };
  t.match(await resolveCredentials({ ...base, basicAuthUser: 'u', basicAuthPassword: 'p' }), { credentials: { user: 'u', password: 'p' }, source: 'env' });
  const generated = await resolveCredentials(base);
  t.match(generated, { source: 'state_dir', generated: true, credentials: { user: 'admin' } });
  t.equal((await stat(join(state, 'basic-auth-password'))).mode & 0o777, 0o600);
  t.equal((await readFile(join(state, 'basic-auth-password'), 'utf8')).trim(), generated.credentials.password);
  const reused = await resolveCredentials(base);
  t.match(reused, { generated: false, credentials: { password: generated.credentials.password } });
  await import('node:fs/promises').then((fs) => fs.mkdir(secrets));
  await writeFile(join(secrets, 'basic-auth-user'), 'ops\n');
  await writeFile(join(secrets, 'basic-auth-password'), ' mounted \n');
  t.match(await resolveCredentials(base), { source: 'secret_mount_path', credentials: { user: 'ops', password: 'mounted' } });
});
