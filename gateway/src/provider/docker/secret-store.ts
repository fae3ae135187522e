/**
 * Secrets as files under `<secretsDir>/<namespace>/<name>`, bind-mounted read-only into replicas at
 * /var/openfaas/secrets/<name>. Values are never returned nor logged.
 *
 * Permissions: directories 0700 and files 0600, owned by the uid function containers run as (default 1000).
 * A bind mount of a single file is checked only against that file's own mode inside the container, so the
 * container user can read its secret while the 0700 host directory keeps every other host user out. When the
 * gateway is not root it cannot chown, and then the file keeps the gateway's uid (fine when that is 1000 too).
 *
 * Writes are atomic (temp file + rename). A rename gives the file a new inode, so running replicas keep the value
 * they were started with; the next rollout (update) mounts the new one, as with faasd.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FuntainerError } from '@funtainer/core/errors';
import { isValidName } from '@funtainer/core/names';

export interface SecretRef {
  readonly name: string;
  readonly namespace: string;
}

export class SecretStore {
  readonly #dir: string;
  readonly #owner: { uid: number; gid: number } | undefined;

  /** `containerUser` like `1000:1000`; a non-numeric user disables chown. */
  constructor(dir: string, containerUser: string) {
    this.#dir = dir;
    const [uid, gid] = containerUser.split(':').map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN));
    this.#owner = uid !== undefined && !Number.isNaN(uid) ? { uid, gid: gid === undefined || Number.isNaN(gid) ? uid : gid } : undefined;
  }

  async exists(ref: SecretRef): Promise<boolean> {
    try {
      return (await stat(this.#path(ref))).isFile();
    } catch {
      return false;
    }
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
    const dir = join(this.#dir, ref.namespace);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // A temp name that is not a valid secret name, so a crash mid-write never shows up in list().
    const temp = join(dir, `.${ref.name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, value, { mode: 0o600, flag: 'wx' });
      await this.#chown(temp);
      await rename(temp, this.#path(ref));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  async #chown(path: string): Promise<void> {
    if (!this.#owner || process.getuid?.() !== 0) return;
    await chown(path, this.#owner.uid, this.#owner.gid);
  }

  #path(ref: SecretRef): string {
    // Names are DNS-1123 labels (schema-checked at the edge); re-checked here because they become paths.
    assertName(ref.namespace);
    assertName(ref.name);
    return join(this.#dir, ref.namespace, ref.name);
  }
}

function assertName(value: string): void {
  if (!isValidName(value)) throw new FuntainerError('FUNTAINER_ERR_INVALID_NAME', `"${value}" is not a valid name`);
}

function secretNotFound(name: string): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_SECRET_NOT_FOUND', `secret "${name}" not found`);
}
