/** The gateway's Redis connectivity: one RedisHealth logging outages, reflected in `funtainer_redis_up`. */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { REDIS_UP_GAUGE, RedisHealth } from '@funtainer/core/redis-health';

export function createRedisHealth(registry: Registry, log: Logger): RedisHealth {
  const gauge = new Gauge({ ...REDIS_UP_GAUGE, labelNames: [...REDIS_UP_GAUGE.labelNames], registers: [registry] });
  return new RedisHealth({ log: log.child({ component: 'redis' }), onChange: (connection, up) => gauge.set({ connection }, up ? 1 : 0) });
}
