/**
 * Redis connectivity for a process with a metrics registry (gateway, queue-worker): one RedisHealth that logs
 * each outage once each way and keeps `funtainer_redis_up{connection}` in that registry up to date.
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { REDIS_UP_GAUGE, RedisHealth } from './redis-health.js';

export function createRedisHealth(registry: Registry, log: Logger): RedisHealth {
  const gauge = new Gauge({ ...REDIS_UP_GAUGE, labelNames: [...REDIS_UP_GAUGE.labelNames], registers: [registry] });
  return new RedisHealth({ log: log.child({ component: 'redis' }), onChange: (connection, up) => gauge.set({ connection }, up ? 1 : 0) });
}
