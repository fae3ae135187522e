/**
 * Everything a command touches outside its arguments, passed in so commands run in tests without a terminal,
 * a real home directory or the real environment.
 */
import type { Readable } from 'node:stream';

export interface Io {
  /** Results: what a script piping our output wants. */
  out(text: string): void;
  /** Progress, warnings and errors: what a person watching wants. */
  err(text: string): void;
  /** Raw bytes for invoke responses and log streams. */
  writeOut(chunk: Uint8Array): void;
  stdin: Readable;
  stdinIsTTY: boolean;
}

export interface CommandContext {
  /** Arguments after the verb. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly homeDir: string;
  readonly io: Io;
  /** Aborted on Ctrl-C, so follow-mode streams and waits stop cleanly. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly usage: string;
  run(ctx: CommandContext): Promise<number>;
}

export function processIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    writeOut: (chunk) => process.stdout.write(chunk),
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}
