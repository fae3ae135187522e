/**
 * The README promises Node ≥ 20, so `npm ci` on Node 20 must not warn EBADENGINE: no package in
 * package-lock.json may declare an `engines.node` range that excludes Node 20 (fastify's light-my-request 6.8
 * pulls cookie@2, node ≥ 22; the root package.json pins 6.6.0 for that reason). Checked against the lock file,
 * for this machine's Node and the current Node 20 line, with the semver rules npm uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import t from 'tap';
import { REPO_ROOT } from './helpers/docker.js';

interface LockedPackage { version?: string; engines?: { node?: string } | string[] }

const NODE_20_LINE = '20.19.0'; // the maintained Node 20 line (undici 7 needs >= 20.18.1)
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };

t.test(`every locked package accepts Node ${NODE_20_LINE} and this Node (${process.version})`, async (t) => {
  const ranges = Object.entries(lock.packages)
    .map(([path, pkg]) => ({ path: path || '(root)', range: Array.isArray(pkg.engines) ? undefined : pkg.engines?.node }))
    .filter((entry): entry is { path: string; range: string } => typeof entry.range === 'string');
  t.ok(ranges.length > 20, `${ranges.length} locked packages declare engines.node`);
  const refused = ranges.filter(({ range }) => !semver.satisfies(NODE_20_LINE, range) || !semver.satisfies(process.version, range));
  t.same(refused.map(({ path, range }) => `${path}: ${range}`), [], 'no package excludes Node 20');
  t.notOk(semver.satisfies(NODE_20_LINE, '>=22'), 'the check refuses a range that excludes Node 20 (cookie@2 style)');
});
