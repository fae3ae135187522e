/**
 * `docker push` of a built function image to the registry its reference names (`registry.local:5000/fn:tag`),
 * through the engine docker talks to (DOCKER_HOST included). That engine must trust the registry: TLS, or a
 * plain-HTTP registry listed in its `--insecure-registry` (docs/swarm.md). A failure says which of the usual
 * causes it is, with the push's own last lines.
 */
import { registryOf } from '@funtainer/core/image-ref';
import { CliError } from './cli-error.js';
import { formatTail, runDocker } from './docker-run.js';

/** PURE: what to do about a failed push, from its output. */
export function pushHint(image: string, recent: readonly string[]): string {
  const registry = registryOf(image);
  const seen = (pattern: RegExp): boolean => recent.some((line) => pattern.test(line));
  if (seen(/Cannot connect to the Docker daemon/i)) return 'start Docker (bash scripts/env.sh)';
  if (seen(/server gave HTTP response to HTTPS client/i)) {
    return `registry ${registry} speaks plain HTTP: list it in the engine's --insecure-registry (or "insecure-registries" in daemon.json), or push through an engine that does (DOCKER_HOST)`;
  }
  if (seen(/unauthorized|authentication required|no basic auth credentials|denied/i)) return `log in first: docker login ${registry}`;
  if (seen(/connection refused|no such host|i\/o timeout|no route to host/i)) return `registry ${registry} is not reachable from the engine that pushes`;
  return `check that registry ${registry} is up and accepts pushes`;
}

export async function dockerPush(image: string, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const { exitCode, recent } = await runDocker(['push', image], onLine, signal);
  if (exitCode !== 0) throw new CliError(`docker push of ${image} failed (exit ${exitCode}):\n${formatTail(recent)}\n${pushHint(image, recent)}`);
}
