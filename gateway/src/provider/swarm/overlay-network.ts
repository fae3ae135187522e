/**
 * The functions' overlay network: every task of every function joins it, and so does the gateway (a container
 * attached to it, or a service on it), which reaches the tasks at their own addresses there. Attachable, so a
 * gateway running as a plain container can join it. Made when missing; one made by hand is used as it is.
 */
import type Docker from 'dockerode';
import type { ProviderLogger } from '../docker/docker-provider-options.js';
import { engineCall, isConflict, isNotFound } from '../docker/docker-errors.js';

export async function ensureOverlay(docker: Docker, name: string, labels: Readonly<Record<string, string>>, timeoutMs: number, logger: ProviderLogger): Promise<void> {
  try {
    const info = await engineCall(timeoutMs, 'inspect the functions network', () => docker.getNetwork(name).inspect());
    if (info.Driver !== 'overlay' || info.Attachable !== true) {
      logger.warn({ network: name, driver: info.Driver, attachable: info.Attachable }, 'swarm: functions_network is not an attachable overlay; a gateway container cannot join it');
    }
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await engineCall(timeoutMs, 'create the functions network', () =>
      docker.createNetwork({ Name: name, Driver: 'overlay', Attachable: true, Labels: { ...labels, 'com.funtainer.network': 'functions' } }));
    logger.info({ network: name }, 'swarm: created the functions overlay network');
  } catch (err) {
    if (!isConflict((err as { cause?: unknown }).cause)) throw err; // another gateway made it meanwhile
  }
}
