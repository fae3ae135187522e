/**
 * Offline machines cannot pull the official bases the templates name (`node:22-bookworm-slim`,
 * `busybox:stable-glibc`). When the official one is absent but Funtainer's locally built base
 * (`scripts/base-images.sh`) is present, builds use the local one without FUNTAINER_NODE_IMAGE /
 * FUNTAINER_BASE_IMAGE being set by hand, and say so. An explicit setting always wins.
 */
import { spawnSync } from 'node:child_process';

interface BasePair {
  readonly variable: 'FUNTAINER_NODE_IMAGE' | 'FUNTAINER_BASE_IMAGE';
  readonly official: string;
  readonly local: string;
}

export const BASE_PAIRS: readonly BasePair[] = [
  { variable: 'FUNTAINER_NODE_IMAGE', official: 'node:22-bookworm-slim', local: 'funtainer/node-base:local' },
  { variable: 'FUNTAINER_BASE_IMAGE', official: 'busybox:stable-glibc', local: 'funtainer/busybox-base:local' },
];

export type ImageExists = (image: string) => boolean;

/** `docker image inspect` with a deadline; false when docker is missing or slow (the build then reports it). */
export const dockerImageExists: ImageExists = (image) =>
  spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { stdio: 'ignore', timeout: 5000 }).status === 0;

/** `env` plus the FUNTAINER_* base image variables a build should use; `note` hears each choice made. */
export function withLocalBaseImages(
  env: Readonly<Record<string, string | undefined>>,
  note: (line: string) => void,
  exists: ImageExists = dockerImageExists,
): Readonly<Record<string, string | undefined>> {
  const chosen: Record<string, string> = {};
  for (const pair of BASE_PAIRS) {
    if (env[pair.variable]) continue;
    if (exists(pair.official) || !exists(pair.local)) continue;
    chosen[pair.variable] = pair.local;
    note(`using the local base image ${pair.local} (${pair.official} is not present; set ${pair.variable} to choose another)`);
  }
  return Object.keys(chosen).length === 0 ? env : { ...env, ...chosen };
}
