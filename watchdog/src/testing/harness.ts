/**
 * Test support: start a real watchdog in-process on port 0 against the fixture processes, and a tiny HTTP client
 * with a deadline on every call. Not part of the bundle (only main.ts is bundled).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type EnvMap } from '../config.js';
import type { WatchdogError } from '../errors.js';
import { createMemoryLogger } from '../logger.js';
import { startWatchdog, type RunningWatchdog } from '../watchdog.js';

/** watchdog/dist/testing → repo root → test/fixtures/processes */
export const FIXTURES_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/processes');

export function fixture(name: string): string {
  return join(FIXTURES_DIR, name);
}

export interface TestWatchdog extends RunningWatchdog {
  readonly logs: Array<Record<string, unknown>>;
  readonly childLines: string[];
  readonly fatalErrors: WatchdogError[];
  readonly lockPath: string;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Starts a watchdog with test-friendly defaults (ports 0, no drain wait) and registers its shutdown. */
export async function startTestWatchdog(t: Teardown, env: EnvMap): Promise<TestWatchdog> {
  const config = loadConfig({ port: '0', metrics_port: '0', healthcheck_interval: '0', ...env });
  const dir = mkdtempSync(join(tmpdir(), 'watchdog-test-'));
  const lockPath = join(dir, '.lock');
  const log = createMemoryLogger();
  const childLines: string[] = [];
  const fatalErrors: WatchdogError[] = [];
  const watchdog = await startWatchdog(config, {
    log,
    childLog: (stream, line) => childLines.push(`${stream}|${line}`),
    baseEnv: { PATH: process.env.PATH },
    onFatal: (err) => fatalErrors.push(err),
    lockPath,
    host: '127.0.0.1',
  });
  t.teardown(async () => {
    await watchdog.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  return Object.assign(Object.create(watchdog) as RunningWatchdog, watchdog, {
    logs: log.lines,
    childLines,
    fatalErrors,
    lockPath,
  });
}

export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export interface TestRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** @defaultValue 10 000 ms; the request fails rather than hang a test. */
  readonly deadlineMs?: number;
}

export function send(port: number, options: TestRequest = {}): Promise<TestResponse> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`request exceeded its ${deadlineMs}ms deadline`)), deadlineMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(options.body);
  });
}

/** Polls `check` every 20 ms until it is true or the deadline passes. */
export async function waitFor(check: () => boolean, deadlineMs = 5_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${deadlineMs}ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
