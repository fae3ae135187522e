/**
 * One request's function process as seen through the fork helper. The process's stdin and stdout are both the unix
 * socket the watchdog opened, so the body is written to it, followed by a half-close, and the output is read from it.
 * Its stderr and exit status arrive as frames on the helper's report channel, routed here by request id.
 *
 * `outcome` settles when both the exit report has arrived and the socket has closed (Node's 'close' semantics), or
 * early when the process cannot have started: the header never left the watchdog, or the helper died.
 */
import type { Socket } from 'node:net';
import { createChildLogSplitter, type ChildLogOptions, type LineSplitter } from '../child-logs.js';
import type { FunctionProcess, ProcessOutcome } from './fork-launcher.js';

export class RemoteProcess implements FunctionProcess {
  readonly outcome: Promise<ProcessOutcome>;
  private resolveOutcome!: (outcome: ProcessOutcome) => void;
  private report: ProcessOutcome | undefined;
  private headerSent = false;
  private socketClosed = false;
  private settled = false;
  private readonly stderr: LineSplitter;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    header: Buffer,
    childLog: ChildLogOptions,
    private readonly sendKill: (id: number) => void,
    private readonly onSettled: (id: number) => void,
  ) {
    this.outcome = new Promise((resolve) => (this.resolveOutcome = resolve));
    this.stderr = createChildLogSplitter('stderr', childLog);
    // EPIPE/ECONNRESET just mean the function closed its end (exited, or never read its input); 'close' follows.
    socket.on('error', () => {});
    socket.once('close', () => {
      this.socketClosed = true;
      if (!this.headerSent) this.settle({ started: false, error: 'could not reach the fork helper' });
      else if (this.report !== undefined) this.settle(this.report);
    });
    socket.write(header, (err) => {
      if (err === undefined || err === null) this.headerSent = true;
    });
  }

  get stdin(): Socket {
    return this.socket;
  }

  get stdout(): Socket {
    return this.socket;
  }

  /**
   * Kills the process and abandons its output: every caller (timeout, client gone, output cap) is done with it. The
   * socket is destroyed rather than drained, because a paused, unpiped socket would never see its EOF and the
   * outcome would never settle.
   */
  kill(): void {
    if (this.settled) return;
    if (this.report === undefined) this.sendKill(this.id);
    this.socket.destroy();
  }

  onStderr(chunk: Buffer): void {
    this.stderr.push(chunk);
  }

  /** The helper's 'X' or 'F' frame. */
  onReport(outcome: ProcessOutcome): void {
    this.stderr.flush();
    this.report = outcome;
    if (this.socketClosed) this.settle(outcome);
  }

  /** The helper is gone: no report will come. */
  fail(error: string): void {
    this.stderr.flush();
    this.socket.destroy();
    this.settle({ started: false, error });
  }

  private settle(outcome: ProcessOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this.id);
    this.resolveOutcome(outcome);
  }
}
