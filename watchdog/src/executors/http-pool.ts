/**
 * The keep-alive connection pool of http mode: undici's Pool towards the one upstream origin (the function's
 * long-lived process). It replaced a hand-made node:http Agent, keeping its behaviour, and measured cheaper
 * per request (watchdog/README.md, Benchmark).
 *
 * Behaviour kept from it: connections are reused for as long as the function announces with
 * `Keep-Alive: timeout=N`, less a margin (undici reads the hint on every response); fan-out towards a
 * single-threaded upstream is bounded; the only deadline is the watchdog's own per call (exec_timeout or a
 * shorter X-Timeout, possibly none), so undici's own header/body timeouts are off.
 */
import type { Pool } from 'undici';

/**
 * Bounds fan-out towards a single-threaded upstream; 128 was measured to leave wrk -c32 (and the gateway's
 * bursts) unqueued without piling connections on the function.
 */
export const MAX_UPSTREAM_CONNECTIONS = 128;

/** node's http server default keepAliveTimeout is 5 s; reuse only well inside whatever the server announces. */
const KEEP_ALIVE_MARGIN_MS = 1000;

/** Idle limit when the function announces none: inside node's default 5 s server keep-alive. */
const DEFAULT_IDLE_MS = 4000;

/**
 * What http mode uses of the pool. Only these: loaded on its own (below), the Pool has no request()/stream()
 * helpers, which the package index adds to every dispatcher.
 */
export type UpstreamPool = Pick<Pool, 'dispatch' | 'close' | 'destroy'>;

/**
 * `origin`: scheme, host and port of upstream_url (its path is added to each request's).
 *
 * Loads the Pool module alone, and only now: the package index (fetch, WebSocket, cache, every dispatcher)
 * would add ~1 MB to watchdog.cjs, and even Pool's own modules, evaluated at load, were measured to add
 * ~20 ms to every watchdog's start whatever its mode. Called from http mode's start, while the function
 * process boots.
 */
export async function createUpstreamPool(origin: string, connections = MAX_UPSTREAM_CONNECTIONS): Promise<UpstreamPool> {
  const { default: PoolClass } = await import('undici/lib/dispatcher/pool.js');
  return new PoolClass(origin, {
    connections,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: DEFAULT_IDLE_MS,
    keepAliveTimeoutThreshold: KEEP_ALIVE_MARGIN_MS,
  });
}
