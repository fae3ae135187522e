// Bundles the watchdog (compiled by tsc into dist/) into one CommonJS file, dist/watchdog.cjs, that function
// templates copy into Node images: no node_modules, no package.json needed next to it. Also builds the native fork
// helper, dist/fork-helper, which images copy next to the watchdog (skipped with a note when gcc is missing).
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForkHelper } from './build-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'watchdog.cjs');

await build({
  entryPoints: [join(root, 'dist', 'main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '#!/usr/bin/env node' },
});

console.log(`bundle: ${outfile} (${(statSync(outfile).size / 1024).toFixed(1)} KiB)`);
buildForkHelper();
