#!/usr/bin/env node
// Watchdog benchmark (not a test): wrk -t1 -c32 -d10s POST on loopback against a bare node:http server (the limit),
// then the bundled watchdog in each mode doing the same work. Prints ratios to the bare server, start-to-ready time
// and module-mode RSS under load; writes JSON to bench/results/. Needs: npm run build:bundle -w watchdog, /usr/bin/wrk.
// The fork modes run twice: with the native fork helper (dist/fork-helper, built by the bundle step when gcc exists)
// and with Node's spawn (fork_helper=off), for comparison. A last row, `cat ceiling`, is how often a C loop can start
// `cat` here with no HTTP at all (watchdog-spawn-ceiling.c, needs gcc): no fork mode can beat that ratio.
//   node bench/watchdog.mjs [--duration 10s] [--connections 32] [--only streaming,serializing] [--baseline old.cjs]
// --baseline adds `<mode>/baseline` rows running another watchdog bundle (e.g. one built from an older commit) in
// the same run, each against its own bare run, for before/after figures.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = join(benchDir, '..');
const watchdogBundle = join(repo, 'watchdog', 'dist', 'watchdog.cjs');
const forkHelper = join(repo, 'watchdog', 'dist', 'fork-helper');
const bareServer = join(benchDir, 'watchdog-bare-server.mjs');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const duration = option('--duration', '10s');
const connections = option('--connections', '32');
const only = option('--only', undefined)?.split(',');
const baselineBundle = option('--baseline', undefined);
const TARGETS = { module: 0.8, http: 0.35, streaming: 0.06, serializing: 0.06 };
const children = new Set();
let nextPort = 20_000 + Math.floor(Math.random() * 20_000);

function start(command, argv, env = {}) {
  const child = spawn(command, argv, { env: { PATH: process.env.PATH, TMPDIR: mkdtempSync(join(tmpdir(), 'wd-bench-')), ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function waitForStatus(url, status = 200, deadlineMs = 30_000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} not ${status} within ${deadlineMs}ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

function wrk(url, samplePid) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/wrk', ['-t1', `-c${connections}`, `-d${duration}`, '-s', join(benchDir, 'watchdog-post.lua'), url]);
    let out = '';
    let peakRss = 0;
    const sampler = samplePid ? setInterval(() => (peakRss = Math.max(peakRss, rssMiB(samplePid))), 200) : undefined;
    child.stdout.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('exit', () => {
      clearInterval(sampler);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const errors = /Socket errors: (.*)/.exec(out)?.[1] ?? 'none';
      resolve({ rps, non2xx, errors, peakRssMiB: samplePid ? Number(peakRss.toFixed(1)) : undefined });
    });
  });
}

/** The node flags the node template's CMD starts the watchdog with, so the bench measures what ships. */
function templateNodeFlags() {
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(join(repo, 'templates', 'node', 'Dockerfile'), 'utf8'));
  const argv = cmd ? JSON.parse(cmd[1]) : [];
  return argv.slice(1).filter((arg) => arg.startsWith('--'));
}
const nodeFlags = templateNodeFlags();

async function startWatchdog(env, bundle = watchdogBundle) {
  const port = nextPort++;
  const metricsPort = nextPort++;
  const started = performance.now();
  const child = start(process.execPath, [...nodeFlags, bundle], { port: String(port), metrics_port: String(metricsPort), healthcheck_interval: '0', ...env });
  await waitForStatus(`http://127.0.0.1:${port}/_/ready`);
  return { child, port, startMs: performance.now() - started };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts/s of `cat` from a C loop with `connections` in flight, against a bare run taken just before. */
async function spawnCeiling(barePort) {
  const binary = join(mkdtempSync(join(tmpdir(), 'wd-ceiling-')), 'ceiling');
  try {
    execFileSync('gcc', ['-O2', '-o', binary, join(benchDir, 'watchdog-spawn-ceiling.c')], { stdio: 'ignore' });
  } catch {
    console.log('no gcc: skipping the cat ceiling row');
    return undefined;
  }
  const bareRun = await wrk(`http://127.0.0.1:${barePort}/`);
  const cat = execFileSync('sh', ['-c', 'command -v cat'], { encoding: 'utf8' }).trim();
  const rps = Number(execFileSync(binary, [connections, cat, String(parseFloat(duration) * (duration.endsWith('m') ? 60 : 1))], { encoding: 'utf8' }));
  return { rps, non2xx: 0, errors: 'none', bareRps: bareRun.rps, startMs: 0 };
}

async function main() {
  const results = { when: new Date().toISOString(), node: process.version, nodeFlags, wrk: `-t1 -c${connections} -d${duration}`, runs: {} };
  console.log(`watchdog started as templates/node/Dockerfile's CMD does: node ${[...nodeFlags, '<bundle>'].join(' ')}`);
  // The machine is shared and noisy: each mode is compared with a bare run taken right before it.
  const barePort = nextPort++;
  const bare = start(process.execPath, [bareServer, String(barePort)]);
  await waitForStatus(`http://127.0.0.1:${barePort}/`);

  const modes = {
    module: { mode: 'module', handler: join(benchDir, 'watchdog-handler.cjs') },
    http: { mode: 'http', fprocess: `${process.execPath} ${bareServer} PORT`, upstream_url: 'http://127.0.0.1:PORT' },
    streaming: { mode: 'streaming', fprocess: 'cat', fork_helper: forkHelper },
    serializing: { mode: 'serializing', fprocess: 'cat', fork_helper: forkHelper },
    'streaming/node': { mode: 'streaming', fprocess: 'cat', fork_helper: 'off' },
    'serializing/node': { mode: 'serializing', fprocess: 'cat', fork_helper: 'off' },
  };
  if (baselineBundle !== undefined) {
    for (const name of ['module', 'http']) modes[`${name}/baseline`] = { ...modes[name], bundle: baselineBundle };
  }
  if (!existsSync(forkHelper)) console.log(`no ${forkHelper} (gcc missing?): the helper rows fall back to Node spawn`);
  for (const [name, template] of Object.entries(modes)) {
    if (only !== undefined && !only.includes(name.split('/')[0])) continue;
    const bareRun = await wrk(`http://127.0.0.1:${barePort}/`);
    const upstreamPort = String(nextPort++);
    const { bundle, ...vars } = template;
    const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replaceAll('PORT', upstreamPort)]));
    const wd = await startWatchdog(env, bundle).catch((err) => {
      throw new Error(`${name} mode: ${err.message}`);
    });
    const run = await wrk(`http://127.0.0.1:${wd.port}/`, name === 'module' ? wd.child.pid : undefined);
    results.runs[name] = { ...run, bareRps: bareRun.rps, startMs: Number(wd.startMs.toFixed(1)) };
    await stop(wd.child);
  }
  const ceiling = await spawnCeiling(barePort);
  if (ceiling !== undefined) results.runs['cat ceiling'] = ceiling;
  await stop(bare);

  const rows = [['mode', 'req/s', 'bare req/s', 'ratio', 'target', 'start→ready ms', 'peak RSS MiB', 'non-2xx', 'socket errors']];
  for (const [name, run] of Object.entries(results.runs)) {
    run.ratio = Number((run.rps / run.bareRps).toFixed(3));
    run.target = TARGETS[name.split('/')[0]] ?? TARGETS.streaming;
    run.meetsTarget = run.ratio >= run.target;
    rows.push([name, run.rps.toFixed(0), run.bareRps.toFixed(0), run.ratio.toFixed(3), `≥ ${run.target}${run.meetsTarget ? ' ok' : ' MISS'}`, run.startMs.toFixed(1), run.peakRssMiB?.toFixed(1) ?? '', String(run.non2xx), run.errors]);
  }
  results.startTargetMs = 100;
  results.rssTargetMiB = 60;
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.log(`targets: start ≤ 100 ms, module RSS ≤ 60 MiB`);

  mkdirSync(join(benchDir, 'results'), { recursive: true });
  const file = join(benchDir, 'results', `watchdog-${results.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written ${file}`);
}

try {
  execFileSync(process.execPath, [join(repo, 'watchdog', 'scripts', 'bundle.mjs')], { stdio: 'ignore' });
  await main();
} finally {
  for (const child of children) child.kill('SIGKILL');
}
