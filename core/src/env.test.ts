import t from 'tap';
import { z } from 'zod';
import { envBoolean, envDurationMs, envInt, parseEnv } from './env.js';

const Schema = z.object({
  read_timeout: envDurationMs('60s'),
  basic_auth: envBoolean(true),
  max_conns: envInt(10, { min: 1 }),
});

t.test('defaults apply and values parse', async (t) => {
  t.same(parseEnv(Schema, {}), { read_timeout: 60_000, basic_auth: true, max_conns: 10 });
  t.same(parseEnv(Schema, { read_timeout: '500ms', basic_auth: 'false', max_conns: '3' }), { read_timeout: 500, basic_auth: false, max_conns: 3 });
});

t.test('result is frozen', async (t) => {
  t.ok(Object.isFrozen(parseEnv(Schema, {})));
});

t.test('every problem is listed in one error', async (t) => {
  let message = '';
  try {
    parseEnv(Schema, { read_timeout: 'soon', basic_auth: 'maybe', max_conns: '0' });
  } catch (err) {
    message = (err as Error).message;
  }
  t.match(message, /read_timeout/);
  t.match(message, /basic_auth/);
  t.match(message, /max_conns/);
});
