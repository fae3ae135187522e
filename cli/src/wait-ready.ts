/**
 * Waits for a deployed function to have a ready replica: polls GET /system/function/<name> until
 * availableReplicas ≥ 1 (what faas-cli `ready` checks), with a deadline so a broken image never hangs the CLI.
 */
import type { GatewayClient } from '@funtainer/core/api-client';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError } from './cli-error.js';

export interface WaitReadyOptions {
  timeoutMs: number;
  /** @defaultValue 250 */
  intervalMs?: number;
  signal?: AbortSignal;
  namespace?: string;
  /** At least this many replicas must be available. @defaultValue 1 */
  minReplicas?: number;
}

/** Resolves with the elapsed milliseconds; throws a CliError naming the function and the next step. */
export async function waitReady(client: GatewayClient, name: string, options: WaitReadyOptions): Promise<number> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const minReplicas = options.minReplicas ?? 1;
  let lastSeen = 'not listed yet';
  for (;;) {
    const status = await client.get(name, options.namespace);
    if (status) {
      lastSeen = `${status.availableReplicas ?? 0}/${status.replicas ?? 0} replicas ready`;
      if ((status.availableReplicas ?? 0) >= minReplicas) return Date.now() - started;
      // paused by scale to zero once ready: deployed, and the next call wakes it
      if (status.status === 'paused') return Date.now() - started;
      if (status.status === 'failing' && status.lastError) {
        throw new CliError(`${name} cannot start: ${status.lastError.message} (${status.lastError.code}); fix the definition and deploy again`);
      }
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `${name} was not ready within ${Math.round(options.timeoutMs / 1000)}s (${lastSeen}); check "funtainer logs ${name}" and "funtainer describe ${name}", or raise --ready-timeout`,
      );
    }
    await sleep(options.intervalMs ?? 250, undefined, { signal: options.signal });
  }
}
