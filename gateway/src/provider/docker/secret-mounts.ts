/**
 * The secret directories replicas mount (layout in secret-layout.ts): one per function generation, holding a copy
 * of exactly the secrets the generation lists. Copies are replaced atomically (temp + rename inside the
 * directory), which a directory bind mount shows to running replicas at once: no restart, no half-written value.
 *
 * Copying loops until the copy equals the store *after* its own rename (`#sync`). So when two writers race
 * (a deploy copying while an update writes, two updates, two gateways), whoever renamed last sees the newest
 * stored value on its next read and copies that: the copies always end at the store's latest value.
 *
 * Permissions: `.mounts` and every directory down to the function are 0700, owned by the gateway's uid, so no
 * other host user can reach a copy. The generation directory (0755) and its files (0444) are readable by any uid,
 * because it is what the container sees: the image may run as any non-root USER, a name included, which the
 * gateway cannot resolve to a uid. Inside the container nothing else runs under another uid (no capabilities,
 * no-new-privileges), and each container mounts only its own generation's directory.
 */
import { chmod, mkdir, readdir, rm, rmdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { isValidName, type QualifiedName } from '@funtainer/core/names';
import type { ProviderLogger } from './docker-provider-options.js';
import {
  functionSecretsDir, generationKey, generationSecretsDir, mountsRoot, parseGenerationDirName, staleGenerationDirs,
  type FoundGenerationDir, type GenerationRef, type LiveGenerations,
} from './secret-layout.js';
import { readOptional, secretNotFound, writeFileAtomic, type SecretRef, type SecretStore } from './secret-store.js';
import { errorMessage } from '@funtainer/core/errors';

const COPY_MODE = 0o444;
const GENERATION_DIR_MODE = 0o755;
const PRIVATE_DIR_MODE = 0o700;
/** Rounds of copy-and-check before leaving a contended copy to the next sweep (only endless concurrent updates get there). */
const SYNC_ROUNDS = 8;
/** A generation directory younger than this is never pruned: it may belong to a deploy not yet visible to the sweep. */
const PRUNE_GRACE_MS = 60_000;

type SyncResult = 'current' | 'missing' | 'contended';

export class SecretMounts {
  constructor(
    private readonly store: SecretStore,
    private readonly secretsDir: string,
    private readonly scope: string,
    private readonly logger: ProviderLogger,
  ) {}

  /**
   * Before a generation's replicas start: its directory exists and holds exactly the listed secrets, at their
   * current values. SECRET_NOT_FOUND when one was deleted: the replicas cannot start (as with per-file mounts).
   */
  async prepare(spec: FunctionDeployment, fn: QualifiedName & { readonly generation: number }): Promise<void> {
    if (spec.secrets.length === 0) return;
    const dir = generationSecretsDir(this.secretsDir, { ...fn, scope: this.scope });
    await this.#ensureDirs(fn, dir);
    const listed = new Set(spec.secrets);
    // A directory left by an earlier function of the same name (removed by a crashed gateway) may hold others.
    // (Dot-named temp files are left alone: they belong to a copy in progress.)
    const extra = (await readdir(dir)).filter((name) => isValidName(name) && !listed.has(name));
    await Promise.all(extra.map((name) => rm(join(dir, name), { force: true, recursive: true })));
    await Promise.all(spec.secrets.map(async (name) => {
      if ((await this.#sync({ name, namespace: fn.namespace }, join(dir, name))) === 'missing') throw secretNotFound(name);
    }));
  }

  /**
   * After a secret was created or updated: every generation directory holding it, in any scope (the store is
   * shared by every provider using this secretsDir), gets the stored value. A deleted secret's copies are kept:
   * running replicas keep the value they had, as with single-file mounts before.
   */
  async refresh(ref: SecretRef): Promise<void> {
    // Never rejects: the store already holds the value, and the sweep (`maintain`) repairs a copy missed here.
    const dirs = await this.#generationDirs(undefined, ref.namespace).catch((err: unknown) => {
      this.logger.warn({ secret: ref.name, namespace: ref.namespace, err: errorMessage(err) }, 'could not list secret directories');
      return [];
    });
    let copies = 0;
    await Promise.all(dirs.map(async (dir) => {
      const path = join(generationSecretsDir(this.secretsDir, dir), ref.name);
      try {
        if ((await readOptional(path)) === undefined) return; // this generation does not list the secret
        if ((await this.#sync(ref, path)) === 'current') copies++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#warn('refresh a secret copy', dir, err); // pruned meanwhile: fine
      }
    }));
    if (copies > 0) this.logger.info({ secret: ref.name, namespace: ref.namespace, copies }, 'secret refreshed in running functions');
  }

  /** After the function's replicas are gone (remove): its directories go too. */
  async removeFunction(fn: QualifiedName): Promise<void> {
    await rm(functionSecretsDir(this.secretsDir, { ...fn, scope: this.scope }), { recursive: true, force: true });
  }

  /**
   * The sweep's part: prune this scope's directories nothing uses any more (older generations after a rollout,
   * functions removed by another gateway or by a crashed remove), and re-copy the rest from the store, which
   * repairs copies left stale by a gateway that stopped between writing the store and refreshing.
   */
  async maintain(live: LiveGenerations): Promise<void> {
    const found = await this.#generationDirs(this.scope).catch((err: unknown) => {
      this.logger.warn({ err: errorMessage(err) }, 'could not list secret directories');
      return [];
    });
    const stale = new Set(staleGenerationDirs(found, live, Date.now(), PRUNE_GRACE_MS));
    for (const dir of stale) {
      await rm(generationSecretsDir(this.secretsDir, dir), { recursive: true, force: true }).catch((err: unknown) => this.#warn('prune a secrets directory', dir, err));
      // The function's directory goes with its last generation; ENOTEMPTY means another one is still used.
      await rmdir(functionSecretsDir(this.secretsDir, dir)).catch(() => undefined);
    }
    await Promise.all(found.filter((dir) => !stale.has(dir)).map(async (dir) => {
      const path = generationSecretsDir(this.secretsDir, dir);
      try {
        const names = (await readdir(path)).filter(isValidName);
        for (const name of names) await this.#sync({ name, namespace: dir.namespace }, join(path, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#warn('re-copy secrets', dir, err);
      }
    }));
  }

  /** Copies until the copy equals the stored value as read after the last rename; see the header. */
  async #sync(ref: SecretRef, path: string): Promise<SyncResult> {
    for (let round = 0; round < SYNC_ROUNDS; round++) {
      const value = await this.store.read(ref);
      if (value === undefined) return 'missing';
      if ((await readOptional(path))?.equals(value)) return 'current';
      await writeFileAtomic(path, value, COPY_MODE);
    }
    return 'contended';
  }

  async #ensureDirs(fn: QualifiedName, dir: string): Promise<void> {
    const root = mountsRoot(this.secretsDir);
    await mkdir(root, { recursive: true, mode: PRIVATE_DIR_MODE });
    // Enforced even when it already existed (made by hand, by an older version): it is the host-side barrier.
    await chmod(root, PRIVATE_DIR_MODE);
    await mkdir(functionSecretsDir(this.secretsDir, { ...fn, scope: this.scope }), { recursive: true, mode: PRIVATE_DIR_MODE });
    await mkdir(dir, { recursive: true, mode: GENERATION_DIR_MODE });
    await chmod(dir, GENERATION_DIR_MODE); // the umask may have taken the read bits the container user needs
    // Fresh mtime = in use: the sweep's prune spares it even if it saw neither the definition nor a container yet
    // (a redeploy reusing a leftover directory whose copies need no rewrite would otherwise look old).
    const now = new Date();
    await utimes(dir, now, now);
  }

  /** Generation directories of one scope (or all), optionally of one namespace only. */
  async #generationDirs(scope: string | undefined, namespace?: string): Promise<FoundGenerationDir[]> {
    const root = mountsRoot(this.secretsDir);
    const scopes = scope !== undefined ? [scope] : await subdirs(root);
    const found: FoundGenerationDir[] = [];
    for (const s of scopes) {
      for (const ns of namespace !== undefined ? [namespace] : await subdirs(join(root, s))) {
        for (const name of await subdirs(join(root, s, ns))) {
          for (const entry of await subdirs(join(root, s, ns, name))) {
            const generation = parseGenerationDirName(entry);
            if (generation === undefined) continue;
            const modifiedMs = await stat(join(root, s, ns, name, entry)).then((st) => st.mtimeMs, () => undefined);
            if (modifiedMs !== undefined) found.push({ scope: s, namespace: ns, name, generation, modifiedMs });
          }
        }
      }
    }
    return found;
  }

  #warn(what: string, dir: GenerationRef, err: unknown): void {
    this.logger.warn({ fn: generationKey(dir), err: errorMessage(err) }, `could not ${what}`);
  }
}

/** Names of the valid-named subdirectories; none when `path` does not exist. */
async function subdirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory() && isValidName(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
