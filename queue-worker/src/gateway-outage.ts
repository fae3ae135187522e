/**
 * Infrastructure unavailability is not a function failure. When the gateway cannot be reached before a request
 * was sent (connection refused, no route, name not resolvable, connect timeout), the call provably never ran:
 * the processor defers it without using one of the function's retries, with a delay that grows while the
 * outage lasts (bounded by `maxDelayMs`), and this tracker logs the outage once when it starts and once when
 * the gateway answers again. A call deferred for longer than `maxOutageMs` goes back to counting attempts, so
 * an outage that never ends still ends each call (dead letter) instead of holding it for ever.
 */

/** Errors raised before any byte of the request reached the gateway. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function requestNeverSent(errorCode: string): boolean {
  return NOT_SENT_CODES.has(errorCode);
}

export interface OutageLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface GatewayOutageOptions {
  readonly log: OutageLog;
  /** @defaultValue 500 */
  readonly minDelayMs?: number;
  /** @defaultValue 5000 */
  readonly maxDelayMs?: number;
  /** How long one call may be deferred in total before attempts count again. */
  readonly maxOutageMs: number;
  readonly now?: () => number;
}

export class GatewayOutage {
  readonly #options: GatewayOutageOptions;
  #since: number | undefined;
  #deferrals = 0;

  constructor(options: GatewayOutageOptions) {
    this.#options = options;
  }

  /** True while the gateway is unreachable (for metrics and tests). */
  get active(): boolean {
    return this.#since !== undefined;
  }

  /**
   * A call found the gateway unreachable. Returns the delay to defer it by, or undefined when the call has
   * been deferred for longer than maxOutageMs already (it then counts as an attempt).
   */
  deferral(errorCode: string, deferredSinceMs: number | undefined): number | undefined {
    const now = this.#now();
    if (this.#since === undefined) {
      this.#since = now;
      this.#deferrals = 0;
      this.#options.log.warn({ code: errorCode, maxOutageMs: this.#options.maxOutageMs }, 'gateway unreachable: deferring async calls without using their retries');
    }
    if (deferredSinceMs !== undefined && now - deferredSinceMs > this.#options.maxOutageMs) return undefined;
    this.#deferrals++;
    const min = this.#options.minDelayMs ?? 500;
    const max = this.#options.maxDelayMs ?? 5000;
    // Grows with the outage's age, not per call, so a backlog retries together once the gateway is back.
    return Math.min(max, Math.max(min, Math.round((now - this.#since) / 4)));
  }

  /** The gateway answered (any status): the outage, if any, is over. */
  reachable(): void {
    if (this.#since === undefined) return;
    this.#options.log.info({ downMs: this.#now() - this.#since, deferredCalls: this.#deferrals }, 'gateway reachable again; deferred async calls resume');
    this.#since = undefined;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}
