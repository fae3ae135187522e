/**
 * Real processes and servers for the async integration tests: a scripted fake function, a callback receiver,
 * and the queue-worker spawned as `node queue-worker/dist/main.js`. Every wait has a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

export const WORKER_MAIN = fileURLToPath(new URL('../../../queue-worker/dist/main.js', import.meta.url));

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
  readonly at: number;
}

export interface ScriptedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** Default: echo the request body. */
  readonly body?: Buffer | string;
  readonly delayMs?: number;
}

export type Script = (req: RecordedRequest, callNumber: number) => ScriptedReply;

export interface HttpRecorder {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  setScript(script: Script): void;
  close(): Promise<void>;
}

/** A local HTTP server whose reply per request is scripted; records everything it receives. */
export async function startScriptedServer(script: Script = () => ({}), port = 0): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  let current = script;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      requests.push(recorded);
      const reply = current(recorded, requests.length);
      const send = () => {
        const headers = { 'content-type': (req.headers['content-type'] as string | undefined) ?? 'application/octet-stream', ...reply.headers };
        res.writeHead(reply.status ?? 200, headers).end(reply.body ?? recorded.body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    setScript: (s) => void (current = s),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, deadlineMs: number, what: string, intervalMs = 25): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Sends a signal and waits (bounded) for exit; returns the exit code or signal name. */
  stop(signal?: NodeJS.Signals, deadlineMs?: number): Promise<string>;
}

/** Spawns the real queue-worker with fast test timings; env overrides win. */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      metrics_port: '0',
      log_level: 'warn',
      retry_min_wait: '100ms',
      retry_max_wait: '1s',
      callback_min_wait: '200ms',
      lock_duration: '2s',
      settings_cache_ttl: '1s',
      // The tests' callback receivers listen on loopback, which the default callback policy refuses.
      callback_allow_private: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', deadlineMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
