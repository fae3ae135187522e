/**
 * Where the CLI finds files it ships with: templates and the watchdog builds. Resolved from this module's
 * location (cli/dist/ → repo root), overridable by env for installs outside the repository.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root when running from cli/dist. */
export function repoRoot(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
}

/** Template folders to search, first match wins: FUNTAINER_TEMPLATES, <stack dir>/templates, faas-cli's ./template, built-ins. */
export function templateRoots(env: Readonly<Record<string, string | undefined>>, stackDir: string): string[] {
  const roots = [env.FUNTAINER_TEMPLATES, join(stackDir, 'templates'), join(stackDir, 'template'), join(repoRoot(), 'templates')];
  return [...new Set(roots.filter((r): r is string => r !== undefined && existsSync(r)))];
}

/** Folder holding watchdog.cjs and watchdog-sea. */
export function watchdogDistDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.FUNTAINER_WATCHDOG_DIR ?? join(repoRoot(), 'watchdog', 'dist');
}
