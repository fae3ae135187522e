/**
 * Engine calls of the volume-backed records (function definitions, namespaces): each bounded by the engine
 * deadline and mapped to a FuntainerError once, a not-found left as it is for the caller to read.
 */
import type Docker from 'dockerode';
import { engineCall, isNotFound } from './docker-errors.js';

export function volumeCall<T>(timeoutMs: number, what: string, run: () => Promise<T>): Promise<T> {
  return engineCall(timeoutMs, what, () => run());
}

/** Removes a volume; one already gone is fine (another gateway, or an earlier try, removed it). */
export async function removeVolumeIfPresent(docker: Docker, name: string, timeoutMs: number, what: string): Promise<void> {
  try {
    await volumeCall(timeoutMs, what, () => docker.getVolume(name).remove());
  } catch (err) {
    if (!isNotFound(err) && !isNotFound((err as { cause?: unknown }).cause)) throw err;
  }
}
