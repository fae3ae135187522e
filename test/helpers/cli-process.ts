/**
 * Runs the real, built CLI (`cli/dist/main.js`) as a child process, the way a user runs it, and collects its
 * exit code and output. Every run has a deadline: a CLI that hangs is killed and reported as a failed run,
 * so a test fails instead of waiting for tap's own timeout.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_ENTRY = join(resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..'), 'cli', 'dist', 'main.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRun {
  readonly cwd: string;
  /** Added to this process's environment. Defaults to a config dir of its own under `cwd`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the CLI's stdin, which is then closed. */
  readonly input?: string;
  readonly timeoutMs?: number;
}

export function runCli(args: readonly string[], run: CliRun): Promise<CliResult> {
  const env = { ...process.env, ...(run.env ?? { FUNTAINER_CONFIG: join(run.cwd, 'config') }) };
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: run.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.stdin.end(run.input ?? '');
    const timer = setTimeout(() => {
      stderr += `\n[test] CLI killed after ${run.timeoutMs ?? 120_000} ms: ${args.join(' ')}\n`;
      child.kill('SIGKILL');
    }, run.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? 1, stdout, stderr });
    });
  });
}
