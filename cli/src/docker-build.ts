/**
 * Runs `docker build` through the docker CLI (no registry, no SDK), streaming its output line by line as
 * progress, and keeps the last lines so a failure can be shown with its cause.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CliError } from './cli-error.js';

export interface DockerBuildOptions {
  image: string;
  contextDir: string;
  dockerfile: string;
  buildArgs: Readonly<Record<string, string>>;
  labels?: Readonly<Record<string, string>>;
  noCache?: boolean;
  /** Called with each output line (already prefixed by the caller if it wants). */
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

const KEPT_LINES = 15;

/** Build args every build gets: local base images from FUNTAINER_* (stack build_args and flags override). */
export function defaultBuildArgs(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const args: Record<string, string> = {};
  if (env.FUNTAINER_NODE_IMAGE) args.NODE_IMAGE = env.FUNTAINER_NODE_IMAGE;
  if (env.FUNTAINER_BASE_IMAGE) args.BASE_IMAGE = env.FUNTAINER_BASE_IMAGE;
  return args;
}

export function dockerBuildArgv(options: Omit<DockerBuildOptions, 'onLine' | 'signal'>): string[] {
  const argv = ['build', '--tag', options.image, '--file', options.dockerfile];
  for (const [key, value] of Object.entries(options.buildArgs)) argv.push('--build-arg', `${key}=${value}`);
  for (const [key, value] of Object.entries(options.labels ?? {})) argv.push('--label', `${key}=${value}`);
  if (options.noCache) argv.push('--no-cache');
  argv.push(options.contextDir);
  return argv;
}

export async function dockerBuild(options: DockerBuildOptions): Promise<void> {
  const argv = dockerBuildArgv(options);
  const recent: string[] = [];
  const child = spawn('docker', argv, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  const collect = (line: string): void => {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
    options.onLine(line);
  };
  createInterface({ input: child.stdout }).on('line', collect);
  createInterface({ input: child.stderr }).on('line', collect);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new CliError('the docker CLI is not installed or not on PATH; install Docker to build images'));
      else reject(new CliError(`docker build could not start: ${err.message}`, 1, { cause: err }));
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
  if (exitCode !== 0) {
    const tail = recent.map((line) => `  ${line}`).join('\n');
    const hint = recent.some((l) => /Cannot connect to the Docker daemon/i.test(l))
      ? 'start Docker (bash scripts/env.sh)'
      : recent.some((l) => /pull access denied|manifest unknown|failed to resolve|no such host/i.test(l))
        ? 'the base image is not available offline: run "bash scripts/base-images.sh" and set FUNTAINER_NODE_IMAGE=funtainer/node-base:local FUNTAINER_BASE_IMAGE=funtainer/busybox-base:local'
        : 'fix the Dockerfile or handler shown above';
    throw new CliError(`docker build of ${options.image} failed (exit ${exitCode}):\n${tail}\n${hint}`);
  }
}
