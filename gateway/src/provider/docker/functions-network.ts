/**
 * The dedicated bridge network function replicas join. Created on start when missing, labelled so an operator
 * can tell it belongs to Funtainer; a concurrent creator (second gateway) is tolerated.
 */
import type Docker from 'dockerode';
import { isConflict, isNotFound, mapDockerError, withDeadline } from './docker-errors.js';

export const NETWORK_LABEL = 'com.funtainer.network';

export async function ensureFunctionsNetwork(docker: Docker, name: string, labels: Readonly<Record<string, string>>, timeoutMs: number): Promise<void> {
  try {
    await withDeadline(timeoutMs, 'inspect the functions network', () => docker.getNetwork(name).inspect());
    return;
  } catch (err) {
    if (!isNotFound(err)) throw mapDockerError(err, 'inspect the functions network');
  }
  try {
    await withDeadline(timeoutMs, 'create the functions network', () =>
      docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { ...labels, [NETWORK_LABEL]: 'functions' } }));
  } catch (err) {
    if (!isConflict(err)) throw mapDockerError(err, 'create the functions network');
  }
}
