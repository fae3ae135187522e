// Compiles the native fork helper (native/*.c) into dist/fork-helper. Static, so the one binary runs in any Linux
// image, glibc or not. Without gcc it prints a note and builds nothing: the watchdog then spawns with Node (slower,
// same behaviour). Skips the compile when dist/fork-helper is newer than every source.
//   node scripts/build-native.mjs        (also run by scripts/bundle.mjs)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
export const forkHelperPath = join(root, 'dist', 'fork-helper');

function hasGcc() {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns the helper's path, or undefined (with a printed note) when it cannot be built here. */
export function buildForkHelper() {
  const sources = readdirSync(nativeDir).map((name) => join(nativeDir, name));
  const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(forkHelperPath) && statSync(forkHelperPath).mtimeMs >= newest) return forkHelperPath;
  if (!hasGcc()) {
    console.log('fork-helper: gcc not found, not built (the watchdog will fork with Node spawn)');
    return undefined;
  }
  mkdirSync(dirname(forkHelperPath), { recursive: true });
  const cFiles = sources.filter((file) => file.endsWith('.c'));
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-static', '-o', forkHelperPath, ...cFiles], { stdio: 'inherit' });
  console.log(`fork-helper: ${forkHelperPath} (${(statSync(forkHelperPath).size / 1024).toFixed(0)} KiB)`);
  return forkHelperPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildForkHelper();
