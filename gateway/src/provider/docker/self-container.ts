/**
 * Which container the gateway itself runs in, when it runs in one on the engine it drives (docker-compose): that
 * container must join every function network to reach the replicas. Configured explicitly (`gateway_container`),
 * else detected once: Docker names a container's host after its short id, so a container whose id starts with
 * our hostname is us. On a host (npm start) nothing matches and the gateway reaches replicas through the bridges.
 */
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { errorMessage } from '@funtainer/core/errors';
import { mapDockerError, withDeadline } from './docker-errors.js';
import type { ProviderLogger } from './docker-provider-options.js';

/** 'none' turns joining off; undefined detects. Returns a memoised resolver of the full container id. */
export function selfContainerResolver(docker: Docker, configured: string | undefined, timeoutMs: number, logger: ProviderLogger): () => Promise<string | undefined> {
  let resolved: Promise<string | undefined> | undefined;
  return () => {
    resolved ??= resolveSelf(docker, configured, timeoutMs, logger).catch((err: unknown) => {
      resolved = undefined; // an engine hiccup is not an answer: the next launch asks again
      throw err;
    });
    return resolved;
  };
}

async function resolveSelf(docker: Docker, configured: string | undefined, timeoutMs: number, logger: ProviderLogger): Promise<string | undefined> {
  if (configured === 'none') return undefined;
  const candidate = configured ?? hostname();
  try {
    const info = await withDeadline(timeoutMs, 'inspect the gateway container', () => docker.getContainer(candidate).inspect());
    if (configured === undefined && !info.Id.startsWith(candidate)) return undefined; // a container merely named like this host
    logger.info({ container: info.Id.slice(0, 12) }, 'gateway runs in a container: it joins every function network');
    return info.Id;
  } catch (err) {
    const missing = (err as { statusCode?: number }).statusCode === 404;
    if (missing && configured === undefined) return undefined; // on a host
    logger.warn({ container: candidate, err: errorMessage(err) }, 'could not inspect the gateway container');
    throw mapDockerError(err, 'inspect the gateway container');
  }
}
