/**
 * The secret store, the source of truth: one file per secret under `<secretsDir>/<namespace>/<name>` (dir 0700,
 * file 0600, owned by the gateway's uid). Replicas never mount these files: secret-mounts.ts copies each value
 * into per-generation directories that are mounted, so a store file can be replaced without caring about
 * bind-mount inodes. Values are never returned through the API nor logged; `read` exists for those copies.
 *
 * Writes are atomic (temp file + rename): a reader sees the old value or the new one, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FuntainerError } from '@funtainer/core/errors';
import { isValidName } from '@funtainer/core/names';

export interface SecretRef {
  readonly name: string;
  readonly namespace: string;
}

export class SecretStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async exists(ref: SecretRef): Promise<boolean> {
    try {
      return (await stat(this.#path(ref))).isFile();
    } catch {
      return false;
    }
  }

  /** The stored bytes, or undefined when the secret does not exist. Only for the mounted copies. */
  async read(ref: SecretRef): Promise<Buffer | undefined> {
    return readOptional(this.#path(ref));
  }

  async create(ref: SecretRef, value: Buffer): Promise<void> {
    if (await this.exists(ref)) throw new FuntainerError('FUNTAINER_ERR_SECRET_EXISTS', `secret "${ref.name}" already exists`);
    await this.#write(ref, value);
  }

  async update(ref: SecretRef, value: Buffer): Promise<void> {
    if (!(await this.exists(ref))) throw secretNotFound(ref.name);
    await this.#write(ref, value);
  }

  async delete(ref: SecretRef): Promise<void> {
    if (!(await this.exists(ref))) throw secretNotFound(ref.name);
    await rm(this.#path(ref), { force: true });
  }

  async list(namespace: string): Promise<string[]> {
    assertName(namespace);
    try {
      const entries = await readdir(join(this.#dir, namespace), { withFileTypes: true });
      return entries.filter((e) => e.isFile() && isValidName(e.name)).map((e) => e.name).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async #write(ref: SecretRef, value: Buffer): Promise<void> {
    await mkdir(join(this.#dir, ref.namespace), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.#path(ref), value, 0o600);
  }

  #path(ref: SecretRef): string {
    // Names are DNS-1123 labels (schema-checked at the edge); re-checked here because they become paths.
    assertName(ref.namespace);
    assertName(ref.name);
    return join(this.#dir, ref.namespace, ref.name);
  }
}

/**
 * Replaces `path` atomically: a temp file in the same directory, then rename. The temp name starts with a dot and
 * so is never a valid secret name: a crash mid-write never shows up as a secret. `mode` is set with chmod, not
 * only at creation, so a restrictive umask cannot take away the read bit a container user needs.
 */
export async function writeFileAtomic(path: string, value: Buffer, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, value, { mode, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The file's bytes, or undefined when it (or its directory) does not exist. */
export async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function assertName(value: string): void {
  if (!isValidName(value)) throw new FuntainerError('FUNTAINER_ERR_INVALID_NAME', `"${value}" is not a valid name`);
}

export function secretNotFound(name: string): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_SECRET_NOT_FOUND', `secret "${name}" not found`);
}
