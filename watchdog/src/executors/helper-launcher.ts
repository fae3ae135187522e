/**
 * The fast launcher: a native fork helper (watchdog/native/fork-helper.c) started once, which forks and execs
 * fprocess per request with the request's own unix-socket connection as stdin and stdout. The watchdog's event loop
 * only opens a connection and writes a small header, instead of fork()ing itself per request.
 *
 * If the helper dies, in-flight requests fail (500) and a new helper is started; requests in the gap fail too.
 */
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { ForkLauncher, FunctionProcess } from './fork-launcher.js';
import { cgiVariables, type ForkOptions } from './fork-process.js';
import { decodeExit, encodeRequestHeader, FRAME_EXIT, FRAME_FAILED, FRAME_STDERR, MAX_REQUEST_ID } from './helper-protocol.js';
import { HelperProcess } from './helper-process.js';
import { RemoteProcess } from './remote-process.js';

/** strerror's "No such file or directory" as Go (and so of-watchdog) words it: "no such file or directory". */
function goErrorText(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

const READY_TIMEOUT_MS = 5_000;
const RESTART_DELAY_MS = 100;

export class HelperForkLauncher implements ForkLauncher {
  readonly name = 'helper';
  private readonly inflight = new Map<number, RemoteProcess>();
  private nextId = 1;
  private dir: string | undefined;
  private socketPath = '';
  private helper: HelperProcess | undefined;
  private stopping = false;

  constructor(
    private readonly binary: string,
    private readonly options: ForkOptions,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    // A private 0700 directory: only this user can reach the socket and so start the function.
    this.dir = mkdtempSync(join(tmpdir(), 'fork-helper-'));
    this.socketPath = join(this.dir, 'sock');
    await this.startHelper();
  }

  launch(req: IncomingMessage): FunctionProcess {
    const id = this.nextId;
    this.nextId = id >= MAX_REQUEST_ID ? 1 : id + 1;
    const socket = createConnection(this.socketPath);
    const header = encodeRequestHeader(id, cgiVariables(req));
    const proc = new RemoteProcess(
      id,
      socket,
      header,
      this.options.childLog,
      (killId) => this.helper?.kill(killId),
      (doneId) => this.inflight.delete(doneId),
    );
    this.inflight.set(id, proc);
    return proc;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.helper?.stop();
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
  }

  private startHelper(): Promise<void> {
    const helper = new HelperProcess(
      {
        binary: this.binary,
        socketPath: this.socketPath,
        argv: this.options.argv,
        env: this.options.baseEnv,
        readyTimeoutMs: READY_TIMEOUT_MS,
      },
      (type, id, payload) => this.onFrame(type, id, payload),
      (reason) => this.onHelperExit(reason),
    );
    this.helper = helper;
    return helper.start();
  }

  private onFrame(type: number, id: number, payload: Buffer): void {
    const proc = this.inflight.get(id);
    if (proc === undefined) return; // settled already (cut before its header left): nothing waits for it
    if (type === FRAME_STDERR) proc.onStderr(payload);
    else if (type === FRAME_EXIT) proc.onReport({ started: true, ...decodeExit(payload) });
    else if (type === FRAME_FAILED) proc.onReport({ started: false, error: goErrorText(payload.toString('utf8')) });
  }

  private onHelperExit(reason: string): void {
    for (const proc of [...this.inflight.values()]) proc.fail(`fork helper ${reason}`);
    if (this.stopping) return;
    this.log.error('fork helper died; restarting it', { reason });
    this.scheduleRestart(RESTART_DELAY_MS);
  }

  /** Keeps trying, slower each time (up to 5 s): without a helper every request fails. */
  private scheduleRestart(delayMs: number): void {
    setTimeout(() => {
      if (this.stopping) return;
      this.startHelper().then(
        () => this.log.info('fork helper restarted'),
        (err: unknown) => {
          this.log.error('fork helper restart failed', { err: err instanceof Error ? err : new Error(String(err)) });
          this.scheduleRestart(Math.min(delayMs * 2, 5_000));
        },
      );
    }, delayMs).unref();
  }
}
