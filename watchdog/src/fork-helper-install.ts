/**
 * `watchdog -install-fork-helper <path>`: writes the native fork helper that the single executable carries inside
 * (a SEA asset, added by scripts/sea.mjs) to <path>. A Dockerfile runs it once at build time, next to the executable,
 * so an image needs only the one file from the build context. Exit code 0 even when there is nothing to install:
 * the watchdog then forks with Node spawn, slower but correct, and the image build should not fail over it.
 */
import { writeFileSync } from 'node:fs';
import * as sea from 'node:sea';

export const INSTALL_FORK_HELPER_FLAG = '-install-fork-helper';
const ASSET_KEY = 'fork-helper';

/** Returns the line to print. */
export function installForkHelper(destination: string | undefined): string {
  if (destination === undefined) return `usage: watchdog ${INSTALL_FORK_HELPER_FLAG} <path>`;
  if (!sea.isSea()) return 'fork-helper: not the single executable; copy watchdog/dist/fork-helper instead';
  let asset: ArrayBuffer;
  try {
    asset = sea.getAsset(ASSET_KEY);
  } catch {
    return 'fork-helper: this build carries none (gcc was missing); the watchdog will fork with Node spawn';
  }
  writeFileSync(destination, Buffer.from(asset), { mode: 0o755 });
  return `fork-helper: installed ${destination}`;
}
