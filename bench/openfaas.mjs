#!/usr/bin/env node
// Funtainer beside OpenFaaS, one run (not a test): the same work through each platform's watchdog and gateway,
// on loopback, back to back, printing Funtainer's req/s ÷ OpenFaaS's for each path (the machine is shared and noisy:
// compare only within a run). OpenFaaS's binaries come from the directory in OPENFAAS_BIN (`gateway`,
// `of-watchdog`, `fwatchdog`, built from their public source: bench/README.md); a path whose binary is missing is
// skipped with the reason printed. Needs wrk and a built tree (npm run build).
//   OPENFAAS_BIN=/path/to/bin node bench/openfaas.mjs [--duration 10s] [--connections 32] [--rounds 3] [--warmup 2s]
//     [--only fork,gateway]
// --duration is per side and path, split into --rounds slices of whole seconds alternating between the two sides.
// It re-runs itself in a private network namespace (`unshare -n`, needs root) so that OpenFaaS's fixed ports
// (8080–8082, every interface) collide with nothing and reach nothing; without one it runs here only if those
// ports are free.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll, wrk } from './openfaas-lib.mjs';
import { makeTargets } from './openfaas-targets.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = join(benchDir, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const duration = option('--duration', '10s');
const connections = option('--connections', '32');
const only = option('--only', undefined)?.split(',');
const rounds = Number(option('--rounds', '3'));
const warmup = option('--warmup', '2s'); // V8 needs it: with 1 s, Funtainer's first slice ran at a third of its last
const bin = process.env.OPENFAAS_BIN; // read once here: a bench script, not a service config module
const script = join(benchDir, 'watchdog-post.lua');

function enterNetns() {
  if (process.env.FUNTAINER_BENCH_NETNS === '1') {
    execFileSync('ip', ['link', 'set', 'lo', 'up']);
    return 'private network namespace (loopback only)';
  }
  if (spawnSync('unshare', ['-n', 'true']).status === 0) {
    const run = spawnSync('unshare', ['-n', process.execPath, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit', env: { ...process.env, FUNTAINER_BENCH_NETNS: '1' } });
    process.exit(run.status ?? 1);
  }
  return undefined;
}

const portFree = (port) =>
  new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });

/** Why OpenFaaS's side of `target` cannot run, or undefined. */
function missing(target, hostPortsBusy) {
  if (!bin) return 'OPENFAAS_BIN is not set';
  for (const file of target.needs) {
    try {
      accessSync(join(bin, file), constants.X_OK);
    } catch {
      return `no executable ${join(bin, file)}`;
    }
  }
  return hostPortsBusy;
}

const SIDES = ['ours', 'theirs'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Both sides are up at once; wrk alternates between them in `rounds` slices (which goes first alternating too),
 *  so drift in the machine's load falls on both alike. req/s: mean over slices; p50: median of the slices'. */
async function measure(running) {
  const slice = `${Math.max(1, Math.round(parseFloat(duration) / rounds))}s`;
  const runs = { ours: [], theirs: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      // warmed right before its first slice: warmed before the other side's, ours still ran its first slice slow
      if (round === 0) await wrk(running[side].url, { duration: warmup, connections, script });
      runs[side].push(await wrk(running[side].url, { duration: slice, connections, script, groups: running[side].groups }));
    }
  }
  const row = {};
  for (const side of SIDES) {
    const r = runs[side];
    const requests = r.reduce((sum, x) => sum + x.requests, 0);
    row[side] = {
      rps: r.reduce((sum, x) => sum + x.rps, 0) / r.length,
      p50Ms: median(r.map((x) => x.p50Ms)),
      cpuUsPerReq: r.reduce((sum, x) => sum + x.cpuUs, 0) / requests,
      non2xx: r.reduce((sum, x) => sum + x.non2xx, 0),
      socketErrors: r.map((x) => x.socketErrors).filter(Boolean).join('; '),
      slices: r,
    };
  }
  row.ratio = row.ours.rps / row.theirs.rps;
  return row;
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

async function main() {
  const where = enterNetns();
  let hostPortsBusy;
  if (where === undefined) {
    const busy = [];
    for (const port of [8080, 8081, 8082, 8090]) if (!(await portFree(port))) busy.push(port);
    if (busy.length > 0) hostPortsBusy = `no private network namespace (unshare -n failed) and port(s) ${busy.join(', ')} in use`;
  }
  if (!existsSync(join(repo, 'gateway', 'dist', 'app.js')) || !existsSync(join(repo, 'watchdog', 'dist', 'watchdog.cjs'))) {
    throw new Error('build first: npm run build');
  }
  console.log(`wrk -t1 -c${connections} POST, ${duration} per side in ${rounds} alternating slices, each side warmed up ${warmup} just before its first; ${where ?? 'host network namespace'}`);
  console.log(`OpenFaaS binaries: ${bin ?? '(OPENFAAS_BIN unset)'}`);
  const results = { when: new Date().toISOString(), node: process.version, wrk: `-t1 -c${connections} -d${duration}`, rounds, warmup, bin, rows: [] };
  for (const target of makeTargets({ repo, benchDir, bin })) {
    if (only !== undefined && !only.some((word) => target.name.includes(word))) continue;
    const reason = missing(target, hostPortsBusy);
    if (reason !== undefined) {
      console.log(`skip ${target.name}: ${reason}`);
      results.rows.push({ name: target.name, skipped: reason });
      continue;
    }
    const shared = target.setup ? await target.setup() : undefined;
    const running = {};
    try {
      for (const side of SIDES) running[side] = await target[side](shared);
      results.rows.push({ name: target.name, detail: target.detail, ...(await measure(running)) });
    } finally {
      for (const side of SIDES) await running[side]?.stop();
      if (target.teardown) await target.teardown(shared);
    }
  }
  printTable(results.rows);
  mkdirSync(join(benchDir, 'results'), { recursive: true });
  const file = join(benchDir, 'results', `openfaas-${results.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written ${file}`);
}

function printTable(rows) {
  const head = ['path', 'Funtainer req/s', 'OpenFaaS req/s', 'ratio', 'p50 ms F / O', 'CPU µs/req F / O', 'non-2xx F / O'];
  const table = [head];
  for (const row of rows) {
    if (row.skipped) {
      table.push([row.name, 'skipped', '', '', '', '', row.skipped]);
      continue;
    }
    const { ours: o, theirs: t } = row;
    table.push([row.name, fmt(o.rps), fmt(t.rps), fmt(row.ratio, 2), `${fmt(o.p50Ms, 2)} / ${fmt(t.p50Ms, 2)}`, `${fmt(o.cpuUsPerReq)} / ${fmt(t.cpuUsPerReq)}`, `${o.non2xx} / ${t.non2xx}`]);
  }
  const widths = head.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  for (const r of table) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.log('ratio = Funtainer req/s ÷ OpenFaaS req/s; CPU = the side\'s processes (server + the function processes it runs), per request');
  for (const row of rows) if (row.detail) console.log(`  ${row.name}: ${row.detail}`);
  const slices = (side) => side.slices.map((x) => fmt(x.rps)).join(', ');
  for (const row of rows) if (!row.skipped) console.log(`  ${row.name}, req/s per slice (noise): Funtainer ${slices(row.ours)}; OpenFaaS ${slices(row.theirs)}`);
  for (const row of rows) {
    for (const side of ['ours', 'theirs']) if (row[side]?.socketErrors) console.log(`  ${row.name} ${side}: socket errors ${row[side].socketErrors}`);
  }
}

try {
  await main();
} finally {
  killAll();
}
