/**
 * The native fork helper as a child of the watchdog: started once, ready when it says so, fed kill commands on its
 * stdin, its report frames read from its stdout. Its own diagnostics go to the watchdog's stderr. Closing its stdin
 * (or the watchdog dying) makes it SIGKILL its processes and exit.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { EnvMap } from '../config.js';
import { FRAME_READY, FrameDecoder, type FrameHandler } from './helper-protocol.js';

export interface HelperProcessOptions {
  readonly binary: string;
  readonly socketPath: string;
  /** fprocess, fixed for the helper's lifetime. */
  readonly argv: readonly string[];
  readonly env: EnvMap;
  readonly readyTimeoutMs: number;
}

const STOP_GRACE_MS = 2_000;

export class HelperProcess {
  private child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private exited = false;

  constructor(
    private readonly options: HelperProcessOptions,
    private readonly onFrame: FrameHandler,
    /** The helper died after it was ready (not after stop()). */
    private readonly onExit: (reason: string) => void,
  ) {}

  /** Resolves once the helper listens; rejects if it exits, fails to exec or stays silent too long. */
  start(): Promise<void> {
    const { binary, socketPath, argv, env, readyTimeoutMs } = this.options;
    const child = spawn(binary, [socketPath, ...argv], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    // EPIPE here means the helper is gone; its 'exit' event is what reports that.
    child.stdin.on('error', () => {});
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`fork helper not ready within ${readyTimeoutMs}ms`));
      }, readyTimeoutMs);
      const decoder = new FrameDecoder((type, id, payload) => {
        if (type !== FRAME_READY) return this.onFrame(type, id, payload);
        ready = true;
        clearTimeout(timer);
        resolve();
      });
      child.stdout.on('data', (chunk: Buffer) => decoder.push(chunk));
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        clearTimeout(timer);
        const reason = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
        if (ready) this.onExit(reason);
        else reject(new Error(`fork helper ${reason} before it was ready`));
      });
    });
  }

  /** Asks the helper to SIGKILL request `id`'s process (or to kill it on arrival if it has not started yet). */
  kill(id: number): void {
    if (!this.exited) this.child?.stdin.write(`k ${id}\n`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exited || child.exitCode !== null || child.signalCode !== null) return;
    child.removeAllListeners('exit'); // a requested stop is not a crash: no onExit
    const gone = new Promise<void>((resolve) =>
      child.once('exit', () => {
        this.exited = true;
        resolve();
      }),
    );
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearTimeout(timer);
  }
}
