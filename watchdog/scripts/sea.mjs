// Builds dist/watchdog-sea: a Node single executable application (https://nodejs.org/api/single-executable-applications.html)
// wrapping dist/watchdog.cjs, so the watchdog runs in glibc images that have no Node installed.
// Steps: SEA config → preparation blob → copy of the running node binary → postject the blob into it.
// The native fork helper (dist/fork-helper, when gcc could build it) rides along as a SEA asset: a Dockerfile writes
// it out with `watchdog -install-fork-helper /usr/local/bin/fork-helper`, so images need no second file.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const bundle = join(dist, 'watchdog.cjs');
const seaConfig = join(dist, 'sea-config.json');
const blob = join(dist, 'watchdog-sea.blob');
const output = join(dist, 'watchdog-sea');
const forkHelper = join(dist, 'fork-helper');

statSync(bundle); // fail early with ENOENT if build:bundle did not run

writeFileSync(
  seaConfig,
  JSON.stringify(
    {
      main: bundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: existsSync(forkHelper) ? { 'fork-helper': forkHelper } : {},
    },
    null,
    2,
  ),
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

rmSync(output, { force: true });
copyFileSync(process.execPath, output);
chmodSync(output, 0o755);

// postject comes from the workspace's devDependencies; run its CLI with the current node.
const require = createRequire(import.meta.url);
const postjectCli = join(dirname(require.resolve('postject/package.json')), 'dist', 'cli.js');
execFileSync(
  process.execPath,
  [postjectCli, output, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
  { stdio: 'inherit' },
);
rmSync(blob, { force: true });
console.log(`sea: ${output} (${(statSync(output).size / 1048576).toFixed(1)} MiB)`);
