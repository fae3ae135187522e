import { EventEmitter } from 'node:events';
import t from 'tap';
import { RedisHealth, type RedisEventSource } from './redis-health.js';

function recorder() {
  const lines: Array<[string, string, Record<string, unknown>]> = [];
  return {
    lines,
    log: {
      warn: (fields: Record<string, unknown>, message: string) => void lines.push(['warn', message, fields]),
      info: (fields: Record<string, unknown>, message: string) => void lines.push(['info', message, fields]),
    },
  };
}

t.test('an outage is logged once with its cause and once on recovery; the gauge follows', async (t) => {
  const { lines, log } = recorder();
  const changes: string[] = [];
  let now = 1000;
  const health = new RedisHealth({ log, onChange: (c, up) => changes.push(`${c}=${up ? 1 : 0}`), now: () => now });
  const conn = new EventEmitter();
  const queue = new EventEmitter();
  health.watch('producer', conn as unknown as RedisEventSource);
  health.watch('producer', queue as unknown as RedisEventSource);
  t.equal(health.up, false, 'not up before the first ready');
  conn.emit('ready');
  t.equal(health.up, true);
  t.same(lines, [], 'first connection is not a recovery');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  for (let i = 0; i < 20; i++) conn.emit('error', refused);
  queue.emit('error', refused);
  t.equal(health.up, false);
  now = 4500;
  conn.emit('ready');
  conn.emit('ready');
  t.same(changes, ['producer=0', 'producer=1', 'producer=0', 'producer=1']);
  t.equal(lines.length, 2, 'one line down, one line up');
  t.match(lines[0], ['warn', 'redis unavailable', { connection: 'producer', code: 'ECONNREFUSED', cause: /ECONNREFUSED/ }]);
  t.match(lines[1], ['info', 'redis available again', { connection: 'producer', downMs: 3500 }]);
});

t.test('a connection that never came up is reported down once', async (t) => {
  const { lines, log } = recorder();
  const health = new RedisHealth({ log });
  const conn = new EventEmitter();
  health.watch('lease', conn as unknown as RedisEventSource);
  conn.emit('error', new Error('getaddrinfo ENOTFOUND redis'));
  conn.emit('error', new Error('getaddrinfo ENOTFOUND redis'));
  t.equal(lines.length, 1);
  t.equal(health.up, false);
});
