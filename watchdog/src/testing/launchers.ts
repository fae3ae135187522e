/**
 * Test support: the fork launchers every fork-mode test runs against, as the env that selects each. The helper is
 * (re)built from watchdog/native when gcc exists; without it the helper variant is skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvMap } from '../config.js';

/** watchdog/dist/testing → watchdog */
const WATCHDOG_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const FORK_HELPER_PATH = resolve(WATCHDOG_DIR, 'dist', 'fork-helper');

export interface LauncherCase {
  readonly name: 'node' | 'helper';
  readonly env: EnvMap;
  /** Set when this launcher cannot run here. */
  readonly skip: string | false;
}

let built: string | false | undefined;

function helperSkipReason(): string | false {
  if (built === undefined) {
    try {
      execFileSync(process.execPath, [resolve(WATCHDOG_DIR, 'scripts', 'build-native.mjs')], { stdio: 'pipe' });
    } catch (err) {
      console.log(`# fork-helper build failed: ${(err as Error).message}`);
    }
    built = existsSync(FORK_HELPER_PATH) ? false : `fork-helper not built (gcc missing?): ${FORK_HELPER_PATH}`;
    if (built !== false) console.log(`# SKIP helper launcher: ${built}`);
  }
  return built;
}

export function launcherCases(): LauncherCase[] {
  return [
    { name: 'node', env: { fork_helper: 'off' }, skip: false },
    { name: 'helper', env: { fork_helper: FORK_HELPER_PATH }, skip: helperSkipReason() },
  ];
}
