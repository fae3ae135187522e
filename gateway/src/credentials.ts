/**
 * Where the gateway's basic-auth credentials come from, in order: basic_auth_user/basic_auth_password,
 * then the OpenFaaS files `<secret_mount_path>/basic-auth-user|basic-auth-password`, then a previously
 * generated password in `<state_dir>/basic-auth-password`, else a new random password written there with
 * mode 0600 and reported once (`generated: true`) so main.ts can print it. Values are never logged here.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Credentials } from './auth/basic-auth.js';
import type { GatewayConfig } from './config.js';

export const DEFAULT_ADMIN_USER = 'admin';

export interface ResolvedCredentials {
  readonly credentials: Credentials;
  readonly source: 'env' | 'secret_mount_path' | 'state_dir';
  /** True when the password was created now: print it once. */
  readonly generated: boolean;
  readonly passwordFile?: string;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    const value = (await readFile(path, 'utf8')).trim();
    return value === '' ? undefined : value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

type CredentialConfig = Pick<GatewayConfig, 'basicAuthUser' | 'basicAuthPassword' | 'secretMountPath' | 'stateDir'>;

export async function resolveCredentials(config: CredentialConfig): Promise<ResolvedCredentials> {
  if (config.basicAuthUser !== undefined && config.basicAuthPassword !== undefined) {
    return { credentials: { user: config.basicAuthUser, password: config.basicAuthPassword }, source: 'env', generated: false };
  }
  const mountedUser = await readTrimmed(join(config.secretMountPath, 'basic-auth-user'));
  const mountedPassword = await readTrimmed(join(config.secretMountPath, 'basic-auth-password'));
  if (mountedPassword !== undefined) {
    return { credentials: { user: mountedUser ?? DEFAULT_ADMIN_USER, password: mountedPassword }, source: 'secret_mount_path', generated: false };
  }
  const passwordFile = join(config.stateDir, 'basic-auth-password');
  const stored = await readTrimmed(passwordFile);
  if (stored !== undefined) {
    return { credentials: { user: DEFAULT_ADMIN_USER, password: stored }, source: 'state_dir', generated: false, passwordFile };
  }
  const password = randomBytes(24).toString('base64url');
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  // 'wx': never overwrite a file another gateway process created meanwhile.
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return { credentials: { user: DEFAULT_ADMIN_USER, password }, source: 'state_dir', generated: true, passwordFile };
}
