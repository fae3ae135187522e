/**
 * One view of Redis connectivity per process. ioredis and BullMQ emit an `error` event on every failed
 * reconnect attempt (several per second during an outage); left unhandled they crash the process, and
 * handled with an empty listener an outage leaves no trace. This logs once when a connection goes down (with
 * the cause), once when it is back (with how long it was down), and reports each change so a `redis_up`
 * gauge can follow it.
 */

/** What we need from an ioredis connection, a BullMQ Queue/Worker/QueueEvents: they all emit these. */
export interface RedisEventSource {
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

export interface RedisHealthLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export interface RedisHealthOptions {
  readonly log: RedisHealthLog;
  /** Called on every change of one connection's state (and once per connection when first watched, with false). */
  readonly onChange?: (connection: string, up: boolean) => void;
  readonly now?: () => number;
}

interface ConnectionState {
  up: boolean;
  /** Set while an outage is being reported, so repeated errors stay silent. */
  downSince: number | undefined;
}

export class RedisHealth {
  readonly #options: RedisHealthOptions;
  readonly #connections = new Map<string, ConnectionState>();

  constructor(options: RedisHealthOptions) {
    this.#options = options;
  }

  /**
   * Follows one connection (by a name unique in this process). Several emitters may share a name: a BullMQ
   * Queue re-emits its connection's errors, and they describe the same outage.
   */
  watch(connection: string, source: RedisEventSource): void {
    if (!this.#connections.has(connection)) {
      this.#connections.set(connection, { up: false, downSince: undefined });
      this.#options.onChange?.(connection, false);
    }
    source.on('error', (err) => this.markDown(connection, err));
    source.on('ready', () => this.markUp(connection));
  }

  markDown(connection: string, err: Error): void {
    const state = this.#state(connection);
    if (state.downSince !== undefined) return;
    state.downSince = this.#now();
    const wasUp = state.up;
    state.up = false;
    if (wasUp) this.#options.onChange?.(connection, false);
    this.#options.log.warn({ connection, cause: err.message, code: (err as { code?: unknown }).code }, 'redis unavailable');
  }

  markUp(connection: string): void {
    const state = this.#state(connection);
    if (state.up) return;
    const downSince = state.downSince;
    state.up = true;
    state.downSince = undefined;
    this.#options.onChange?.(connection, true);
    if (downSince !== undefined) this.#options.log.info({ connection, downMs: this.#now() - downSince }, 'redis available again');
  }

  /** True when every watched connection is up (false before the first one connected). */
  get up(): boolean {
    return this.#connections.size > 0 && [...this.#connections.values()].every((s) => s.up);
  }

  #state(connection: string): ConnectionState {
    let state = this.#connections.get(connection);
    if (state === undefined) {
      state = { up: false, downSince: undefined };
      this.#connections.set(connection, state);
    }
    return state;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/**
 * Watches `source` through `health` when the process has one; otherwise still handles its `error` events
 * (an EventEmitter without an error listener would crash the process on the first reconnect failure).
 */
export function watchRedis(health: Pick<RedisHealth, 'watch'> | undefined, connection: string, source: RedisEventSource): void {
  if (health !== undefined) health.watch(connection, source);
  else source.on('error', () => {});
}

/** The gauge both the gateway and the queue-worker export (spread into prom-client's Gauge options). */
export const REDIS_UP_GAUGE = {
  name: 'funtainer_redis_up',
  help: '1 when this process is connected to Redis on the named connection, 0 during an outage',
  labelNames: ['connection'] as const,
};
