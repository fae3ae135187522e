/**
 * Turns the docker_host setting (`unix:///var/run/docker.sock`, `tcp://host:2375`) into a dockerode client.
 * Unset → dockerode's own default (DOCKER_HOST or the local socket).
 */
import Docker from 'dockerode';
import { FuntainerError } from '@funtainer/core/errors';

export function dockerClientFor(dockerHost: string | undefined): Docker | undefined {
  if (dockerHost === undefined) return undefined;
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol === 'tcp:' || url.protocol === 'http:') return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
  throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', `docker_host: unsupported scheme "${url.protocol}" (use unix:// or tcp://)`);
}
