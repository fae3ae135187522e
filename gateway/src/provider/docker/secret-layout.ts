/**
 * PURE: where the secret directories replicas mount live, the mount itself, and which of those directories are
 * no longer needed. The layout (see README "Secrets"):
 *
 *   <secretsDir>/.mounts/                               0700: no other host user can reach anything below
 *     <scope>/<namespace>/<function>/                   0700
 *       g<generation>/                                  0755, mounted read-only at /var/openfaas/secrets
 *         <secret>                                      0444, a copy of the store's value
 *
 * One directory per generation, not per function: an update may change the list of secrets, and the old
 * generation keeps serving (with its own list) until the new one is ready. `.mounts` starts with a dot, so it
 * can never collide with a namespace directory of the store (namespaces are DNS-1123 labels).
 */
// posix: paths on the Linux host of the Docker daemon, which the gateway shares (same path, or secretsHostDir).
import { posix } from 'node:path';
import type Docker from 'dockerode';
import type { FunctionDeployment } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { isValidName, type QualifiedName } from '@funtainer/core/names';
import { functionKey } from '../function-spec.js';
import { SECRETS_MOUNT_PATH } from '../replica-rules.js';

export const MOUNTS_DIR = '.mounts';

/** One function generation within one provider scope. */
export interface GenerationRef extends QualifiedName {
  readonly scope: string;
  readonly generation: number;
}

/** A generation directory found on disk, with the time it was last written (mtime). */
export interface FoundGenerationDir extends GenerationRef {
  readonly modifiedMs: number;
}

export interface LiveGenerations {
  /** functionKey (`<namespace>/<name>`) → the stored definition's generation. */
  readonly current: ReadonlyMap<string, number>;
  /** generationKey of every replica container that exists (any state). */
  readonly containers: ReadonlySet<string>;
}

export function mountsRoot(secretsDir: string): string {
  return posix.join(secretsDir, MOUNTS_DIR);
}

export function functionSecretsDir(secretsDir: string, fn: QualifiedName & { readonly scope: string }): string {
  for (const part of [fn.scope, fn.namespace, fn.name]) assertSafe(part);
  return posix.join(mountsRoot(secretsDir), fn.scope, fn.namespace, fn.name);
}

export function generationSecretsDir(secretsDir: string, ref: GenerationRef): string {
  return posix.join(functionSecretsDir(secretsDir, ref), generationDirName(ref.generation));
}

export function generationDirName(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `bad generation ${generation}`);
  return `g${generation}`;
}

/** `g12` → 12; anything else (temp files, stray names) → undefined. */
export function parseGenerationDirName(name: string): number | undefined {
  const match = /^g(\d{1,15})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export function generationKey(ref: QualifiedName & { readonly generation: number }): string {
  return `${ref.namespace}/${ref.name}/g${ref.generation}`;
}

/**
 * The replica's secrets mount: its generation's directory, read-only, as a directory (not file by file), so an
 * atomic replace inside it (temp + rename) is seen at once by running replicas. None when it lists no secret.
 * `secretsHostDir` is the store as the Docker daemon sees it (it differs when the gateway runs in a container).
 */
export function secretsMounts(spec: FunctionDeployment, ref: GenerationRef, secretsHostDir: string): Docker.MountSettings[] {
  if (spec.secrets.length === 0) return [];
  return [{ Type: 'bind', Source: generationSecretsDir(secretsHostDir, ref), Target: SECRETS_MOUNT_PATH, ReadOnly: true }];
}

/** What the sweep observed: every stored definition (by functionKey) and every replica container of the scope. */
export function liveGenerations(
  definitions: ReadonlyMap<string, { readonly generation: number }>,
  containers: Iterable<{ readonly identity: QualifiedName & { readonly generation: number } }>,
): LiveGenerations {
  return {
    current: new Map([...definitions].map(([key, d]) => [key, d.generation])),
    containers: new Set([...containers].map((c) => generationKey(c.identity))),
  };
}

/**
 * Generation directories that can go: no container of that generation exists, the function's definition is
 * gone or has moved past it, and nothing wrote the directory within `graceMs`. The grace covers a deploy or an
 * update (here or by another gateway) that prepared a directory after `live` was observed.
 */
export function staleGenerationDirs(found: readonly FoundGenerationDir[], live: LiveGenerations, nowMs: number, graceMs: number): FoundGenerationDir[] {
  return found.filter((dir) => {
    if (live.containers.has(generationKey(dir))) return false;
    const current = live.current.get(functionKey(dir));
    if (current !== undefined && dir.generation >= current) return false;
    return nowMs - dir.modifiedMs > graceMs;
  });
}

function assertSafe(part: string): void {
  // Every part becomes a path segment: re-checked here so a bad label can never point outside the tree.
  if (!isValidName(part)) throw new FuntainerError('FUNTAINER_ERR_INVALID_NAME', `"${part}" is not a valid name`);
}
