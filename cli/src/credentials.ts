/**
 * The login file: `~/.funtainer/config.json` (folder overridable with FUNTAINER_CONFIG), mode 0600 because it
 * holds a password. Like faas-cli's config.yml it keeps one entry per gateway plus the last one logged into.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoredCredentials {
  user: string;
  password: string;
}

interface LoginFile {
  /** The gateway of the most recent login; used when no -g/FUNTAINER_URL is given. */
  current?: string;
  /** Gateway URL → base64(user:password), as faas-cli stores its basic-auth token. */
  auths: Record<string, { user: string; token: string }>;
}

export function configDir(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  return env.FUNTAINER_CONFIG ?? join(homeDir, '.funtainer');
}

export function configPath(dir: string): string {
  return join(dir, 'config.json');
}

/** Gateway URLs compare without trailing slashes. */
export function normaliseGateway(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

async function readLoginFile(dir: string): Promise<LoginFile> {
  let text: string;
  try {
    text = await readFile(configPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { auths: {} };
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LoginFile>;
    return { current: parsed.current, auths: parsed.auths ?? {} };
  } catch {
    throw new Error(`${configPath(dir)} is not valid JSON; delete it and run "funtainer login" again`);
  }
}

export async function readCurrentGateway(dir: string): Promise<string | undefined> {
  return (await readLoginFile(dir)).current;
}

export async function readCredentials(dir: string, gateway: string): Promise<StoredCredentials | undefined> {
  const entry = (await readLoginFile(dir)).auths[normaliseGateway(gateway)];
  if (!entry) return undefined;
  const decoded = Buffer.from(entry.token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Writes the whole file with mode 0600, also when it already existed with a looser mode. */
async function writeLoginFile(dir: string, file: LoginFile): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = configPath(dir);
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only when it creates the file; an existing file keeps its old mode otherwise
  await chmod(path, 0o600);
  return path;
}

export async function saveCredentials(dir: string, gateway: string, credentials: StoredCredentials): Promise<string> {
  const file = await readLoginFile(dir);
  const key = normaliseGateway(gateway);
  file.auths[key] = { user: credentials.user, token: Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64') };
  file.current = key;
  return writeLoginFile(dir, file);
}

/** Gateways that have stored credentials, so a failed logout can say which ones there are. */
export async function storedGateways(dir: string): Promise<string[]> {
  return Object.keys((await readLoginFile(dir)).auths);
}

/** Drops one gateway's entry (and `current` if it pointed there); undefined when there was none. */
export async function removeCredentials(dir: string, gateway: string): Promise<{ user: string; path: string } | undefined> {
  const file = await readLoginFile(dir);
  const key = normaliseGateway(gateway);
  const entry = file.auths[key];
  if (!entry) return undefined;
  delete file.auths[key];
  if (file.current === key) delete file.current;
  return { user: entry.user, path: await writeLoginFile(dir, file) };
}
