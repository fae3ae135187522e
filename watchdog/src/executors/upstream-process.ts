/**
 * The long-lived function process of http mode: started once, its output logged, its death fatal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { forwardChildLog, type ChildLogOptions } from '../child-logs.js';
import type { EnvMap } from '../config.js';
import { WatchdogError, WATCHDOG_ERROR_CODES } from '../errors.js';
import type { Logger } from '../logger.js';

export interface UpstreamProcessOptions {
  readonly argv: readonly string[];
  readonly baseEnv: EnvMap;
  readonly childLog: ChildLogOptions;
  readonly host: string;
  readonly port: number;
  /** How long start() waits for the upstream port to accept connections. */
  readonly readyDeadlineMs: number;
  /** How long stop() waits after the signal before SIGKILL. */
  readonly stopGraceMs: number;
}

const PORT_POLL_INTERVAL_MS = 20;

export class UpstreamProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    private readonly options: UpstreamProcessOptions,
    private readonly log: Logger,
    private readonly onUnexpectedExit: (err: WatchdogError) => void,
  ) {}

  /** Spawns the process and waits (bounded) until its port accepts connections, so readiness means something. */
  async start(): Promise<void> {
    const [command, ...args] = this.options.argv as [string, ...string[]];
    const child = spawn(command, args, { env: { ...this.options.baseEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    forwardChildLog(child.stdout, 'stdout', this.options.childLog);
    forwardChildLog(child.stderr, 'stderr', this.options.childLog);
    let failure: WatchdogError | undefined;
    this.exited = new Promise((resolve) => {
      child.once('error', (cause) => {
        failure = new WatchdogError(WATCHDOG_ERROR_CODES.childExited, `cannot start ${command}`, { cause });
        resolve();
      });
      child.once('exit', (code, signal) => {
        failure ??= new WatchdogError(
          WATCHDOG_ERROR_CODES.childExited,
          `function process exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
        );
        resolve();
      });
    });
    void this.exited.then(() => {
      if (!this.stopping && failure !== undefined) this.onUnexpectedExit(failure);
    });
    const deadline = Date.now() + this.options.readyDeadlineMs;
    while (failure === undefined && Date.now() < deadline) {
      if (await canConnect(this.options.host, this.options.port)) return;
      await sleep(PORT_POLL_INTERVAL_MS);
    }
    if (failure !== undefined) throw failure;
    this.log.warn('upstream did not accept connections in time; serving anyway', {
      port: this.options.port,
      deadlineMs: this.options.readyDeadlineMs,
    });
  }

  /** Forwards `signal`, waits up to stopGraceMs, then SIGKILLs. Idempotent. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
