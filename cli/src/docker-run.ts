/**
 * Runs one docker CLI command (build, push) streaming its output line by line as progress, and keeps the last
 * lines so a failure can be shown with its cause. The docker CLI, not an SDK: it honours DOCKER_HOST, contexts
 * and the user's registry logins exactly as a hand-typed command would.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';

export interface DockerRun {
  readonly exitCode: number;
  /** The last lines of its output (stdout and stderr interleaved). */
  readonly recent: readonly string[];
}

const KEPT_LINES = 15;

export async function runDocker(argv: readonly string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<DockerRun> {
  const recent: string[] = [];
  const child = spawn('docker', argv, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  const collect = (line: string): void => {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
    onLine(line);
  };
  createInterface({ input: child.stdout }).on('line', collect);
  createInterface({ input: child.stderr }).on('line', collect);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new CliError('the docker CLI is not installed or not on PATH; install Docker to build images'));
      else reject(new CliError(`docker ${argv[0] ?? ''} could not start: ${err.message}`, 1, { cause: err }));
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
  return { exitCode, recent };
}

/** The kept lines, indented, for an error message. */
export function formatTail(recent: readonly string[]): string {
  return recent.map((line) => `  ${line}`).join('\n');
}
