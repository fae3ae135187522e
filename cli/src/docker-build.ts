/**
 * `docker build` through the docker CLI (docker-run.ts): the argv from a function's build settings, and a
 * failure explained with the build's last lines and what to do about it.
 */
import { CliError } from './cli-error.js';
import { formatTail, runDocker } from './docker-run.js';

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
  const { exitCode, recent } = await runDocker(dockerBuildArgv(options), options.onLine, options.signal);
  if (exitCode !== 0) {
    const hint = recent.some((l) => /Cannot connect to the Docker daemon/i.test(l))
      ? 'start Docker (bash scripts/env.sh)'
      : recent.some((l) => /pull access denied|manifest unknown|failed to resolve|no such host/i.test(l))
        ? 'the base image is not available offline: run "bash scripts/base-images.sh" and set FUNTAINER_NODE_IMAGE=funtainer/node-base:local FUNTAINER_BASE_IMAGE=funtainer/busybox-base:local'
        : 'fix the Dockerfile or handler shown above';
    throw new CliError(`docker build of ${options.image} failed (exit ${exitCode}):\n${formatTail(recent)}\n${hint}`);
  }
}
