/**
 * One request's function process as seen through the fork helper. The process's stdin and stdout are both the unix
 * socket the watchdog opened, so the body is written to it, followed by a half-close, and the output is read from it.
 * Its stderr and exit status arrive as frames on the helper's report channel, routed here by request id.
 *
 * `outcome` settles when both the exit report has arrived and the socket has closed (Node's 'close' semantics), or
 * early when the process cannot have started: the header never left the watchdog, or the helper died.
 *
 * A process that exits without reading all of its stdin: the helper still holds a copy of the connection and reads
 * and discards the rest up to our half-close, so the socket ends cleanly (never reset) and the output queued on it is
 * all read. Were it reset instead, the pending body write would fail and Node would destroy the socket, possibly
 * before reading that output. Since the helper waits for our half-close, `stdin` is a thin writable in front of the
 * socket that stops forwarding and half-closes once the exit report arrives: a slow or endless upload piped into it
 * must not hold the response back after the function is done.
 */
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
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
  /** Body bytes are no longer forwarded: stdin ended, the process exited, or the socket is gone. */
  private inputClosed = false;
  private pendingWrite: (() => void) | undefined;
  readonly stdin: Writable;

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
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, done) => this.forward([chunk], done),
      writev: (chunks, done) => this.forward(chunks.map((c) => c.chunk as Buffer), done),
      final: (done) => {
        this.closeInput();
        done();
      },
    });
    socket.once('close', () => {
      this.socketClosed = true;
      this.inputClosed = true;
      this.releaseWrite();
      if (!this.headerSent) this.settle({ started: false, error: 'could not reach the fork helper' });
      else if (this.report !== undefined) this.settle(this.report);
    });
    socket.write(header, (err) => {
      if (err === undefined || err === null) this.headerSent = true;
    });
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
    this.closeInput(); // nobody reads the body any more; the helper drains what was sent up to our half-close
    if (this.socketClosed) this.settle(outcome);
  }

  /** The helper is gone: no report will come. */
  fail(error: string): void {
    this.stderr.flush();
    this.socket.destroy();
    this.settle({ started: false, error });
  }

  /** Write errors are not reported: they only mean the connection is gone, which 'close' handles. */
  private forward(chunks: readonly Buffer[], done: () => void): void {
    if (this.inputClosed || this.socket.destroyed) {
      done(); // discarded, as a pipe to an exited process would
      return;
    }
    this.pendingWrite = done;
    const last = chunks.length - 1;
    if (last > 0) this.socket.cork();
    chunks.forEach((chunk, i) => (i === last ? this.socket.write(chunk, () => this.releaseWrite()) : this.socket.write(chunk)));
    if (last > 0) this.socket.uncork();
  }

  private releaseWrite(): void {
    const done = this.pendingWrite;
    this.pendingWrite = undefined;
    done?.();
  }

  private closeInput(): void {
    if (this.inputClosed) return;
    this.inputClosed = true;
    if (!this.socket.destroyed) this.socket.end();
  }

  private settle(outcome: ProcessOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this.id);
    this.resolveOutcome(outcome);
  }
}
