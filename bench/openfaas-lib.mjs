// Process and load helpers for bench/openfaas.mjs: start a server with its stderr kept for the failure message,
// wait for it, load it with wrk, and read the CPU its process group spent. Every server is started as the leader of
// its own process group, so stopping it also ends what it started (a watchdog's function process, forked `cat`s)
// and the CPU of a group covers the server and the function processes it runs and reaps.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const TICK_HZ = 100; // USER_HZ: the unit of /proc/<pid>/stat times on Linux

/** Starts a server. Each gets its own TMPDIR: the OpenFaaS watchdogs write their readiness lock file there. */
export function start(command, argv, env = {}, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'of-bench-'));
  const logFile = join(dir, 'stderr.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(command, argv, { cwd: options.cwd ?? dir, env: { PATH: process.env.PATH, TMPDIR: dir, ...env }, stdio: ['ignore', options.stdout ?? 'ignore', fd], detached: true });
  closeSync(fd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.logTail = () => readFileSync(logFile, 'utf8').split('\n').slice(-6).join('\n');
  return child;
}

/** Resolves with the {"port":N} a server prints on stdout. */
export function startWithPort(command, argv, env = {}) {
  const child = start(command, argv, env, { stdout: 'pipe' });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${argv.join(' ')} printed no port within 10 s`)), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /"port":(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}: ${child.logTail()}`)));
  });
}

export async function waitForStatus(url, child, status = 200, deadlineMs = 20_000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`exited ${child.exitCode} before ${url} was ready: ${child.logTail()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === status) return;
    } catch {}
    if (Date.now() > end) throw new Error(`${url} not ${status} within ${deadlineMs} ms${child ? `: ${child.logTail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {} // ESRCH: the group is already gone
}

/** SIGTERM to the server's group, SIGKILL after 3 s, then SIGKILL to whatever of the group is left. */
export async function stop(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  killGroup(child, 'SIGKILL');
}

export function killAll() {
  for (const child of children) killGroup(child, 'SIGKILL');
}

/** utime+stime+cutime+cstime of every live process whose process group is one of `groups`. */
function cpuTicks(groups) {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 on: comm may hold spaces
    if (!groups.includes(Number(fields[2]))) continue; // field 5: pgrp
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]); // fields 14–17
  }
  return ticks;
}

/** wrk -t1 POST of a small JSON. Returns req/s, p50 (ms), requests and the µs of CPU the `groups` spent. */
export function wrk(url, { duration, connections, script, groups = [] }) {
  return new Promise((resolve, reject) => {
    const before = cpuTicks(groups);
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${duration}`, '--latency', '-s', script, url]);
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('exit', () => {
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const p50 = /^\s+50%\s+([\d.]+)(us|ms|s)\s*$/m.exec(out);
      const p50Ms = p50 ? Number(p50[1]) * { us: 0.001, ms: 1, s: 1000 }[p50[2]] : NaN;
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
        p50Ms,
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        socketErrors: /Socket errors: (.*)/.exec(out)?.[1] ?? '',
        requests,
        cpuUs: groups.length > 0 ? ((cpuTicks(groups) - before) / TICK_HZ) * 1e6 : undefined,
      });
    });
  });
}

/** The node flags the node template's CMD starts the watchdog with, so the bench measures what ships. */
export function templateNodeFlags(repo) {
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(join(repo, 'templates', 'node', 'Dockerfile'), 'utf8'));
  const argv = cmd ? JSON.parse(cmd[1]) : [];
  return argv.slice(1).filter((arg) => arg.startsWith('--'));
}
