/**
 * Leader election for the autoscaler, so that with several gateways exactly one scales. A Redis key holds the
 * leader's id with a TTL: `SET key id NX PX ttl` acquires it, a Lua compare-and-extend renews it only while we
 * still own it, a compare-and-delete releases it on shutdown. If the leader dies, the key expires and another
 * gateway takes over within one TTL. Any Redis error or slow answer counts as "not leader" for that tick: a
 * missed tick is harmless, two instances scaling against each other is not.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LeaderLease {
  /** Acquires or renews the lease; true when this instance may act for the next tick. Never throws. */
  hold(): Promise<boolean>;
  /** Gives the lease up if we hold it (shutdown), so another instance takes over without waiting a TTL. */
  release(): Promise<void>;
  /** Who we are, for logs and `state()`. */
  readonly ownerId: string;
}

/** Without Redis there is a single gateway: it always leads. */
export function alwaysLeader(ownerId = 'local'): LeaderLease {
  return { ownerId, hold: async () => true, release: async () => undefined };
}

export interface RedisLeaseOptions {
  readonly redis: Redis;
  /** @defaultValue 'funtainer:autoscaler:leader' */
  readonly key?: string;
  /** @defaultValue a random UUID */
  readonly ownerId?: string;
  /** Lease lifetime; renew at least every ttl/2 (the autoscaler renews every tick). @defaultValue 10 000 */
  readonly ttlMs?: number;
  /** Bound on each Redis round trip. @defaultValue 1 000 */
  readonly commandTimeoutMs?: number;
  /** Told about errors (the lease itself never throws). */
  readonly onError?: (err: unknown) => void;
}

const EXTEND_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const DELETE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export function createRedisLease(options: RedisLeaseOptions): LeaderLease {
  const { redis } = options;
  const key = options.key ?? 'funtainer:autoscaler:leader';
  const ownerId = options.ownerId ?? randomUUID();
  const ttlMs = options.ttlMs ?? 10_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1_000;
  let leading = false;

  const bounded = <T>(call: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis lease command exceeded ${commandTimeoutMs}ms`)), commandTimeoutMs);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  };

  const tryAcquire = async () => (await bounded(redis.set(key, ownerId, 'PX', ttlMs, 'NX'))) === 'OK';
  const tryExtend = async () => Number(await bounded(redis.eval(EXTEND_IF_OWNER, 1, key, ownerId, String(ttlMs)))) === 1;

  return {
    ownerId,
    async hold() {
      try {
        // A leader that lost the key (it expired during a pause) falls through to a fresh acquire.
        leading = (leading && (await tryExtend())) || (await tryAcquire());
      } catch (err) {
        leading = false;
        options.onError?.(err);
      }
      return leading;
    },
    async release() {
      if (!leading) return;
      leading = false;
      try {
        await bounded(redis.eval(DELETE_IF_OWNER, 1, key, ownerId));
      } catch (err) {
        options.onError?.(err);
      }
    },
  };
}
