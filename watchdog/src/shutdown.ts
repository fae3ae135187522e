/**
 * Graceful drain of the function server (of-watchdog listenUntilShutdown), every step bounded.
 */
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger.js';

/**
 * healthcheck_interval defaults to write_timeout (30 s); a misconfigured hour-long interval must not keep a
 * container in Terminating until the orchestrator's SIGKILL, so the wait is capped.
 */
export const MAX_UNREADY_WAIT_MS = 60_000;
const IDLE_SWEEP_INTERVAL_MS = 25;

export interface DrainOptions {
  /** Time for load balancers to notice /_/ready failing while we keep serving. */
  readonly waitBeforeCloseMs: number;
  /** How long in-flight requests may take to finish once we stop accepting. */
  readonly inflightGraceMs: number;
  readonly log: Logger;
}

export async function drainServer(server: Server, options: DrainOptions): Promise<void> {
  const waitMs = Math.min(options.waitBeforeCloseMs, MAX_UNREADY_WAIT_MS);
  options.log.info('draining: not ready, waiting before closing', { waitMs });
  await sleep(waitMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive sockets between requests would hold close() open; finish them as soon as they go idle.
  const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_INTERVAL_MS);
  server.closeIdleConnections();
  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    deadlineTimer = setTimeout(resolve, options.inflightGraceMs, 'deadline');
  });
  const outcome = await Promise.race([closed.then(() => 'closed' as const), deadline]);
  clearInterval(sweeper);
  clearTimeout(deadlineTimer);
  if (outcome === 'deadline') {
    options.log.warn('in-flight requests did not finish within write_timeout; closing them', {
      graceMs: options.inflightGraceMs,
    });
    server.closeAllConnections();
    await closed;
  }
  options.log.info('drained');
}
