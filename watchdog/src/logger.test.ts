import t from 'tap';
import { createLogger, createMemoryLogger } from './logger.js';

t.test('watchdog JSON log lines carry error codes and causes', async (t) => {
  const log = createMemoryLogger();
  const cause = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  log.error('handler failed', { err: new Error('cannot load handler', { cause }), fn: 'x' });
  t.match(log.lines[0], {
    level: 'error',
    msg: 'handler failed',
    fn: 'x',
    err: { message: 'cannot load handler', cause: { message: 'ENOENT: no such file', code: 'ENOENT' } },
  });
});

t.test('levels below the minimum are dropped; warn and above go to stderr', async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({ sink: { out: (l) => out.push(l), err: (l) => err.push(l) }, level: 'info', base: { service: 'watchdog' } });
  log.debug('hidden');
  log.info('shown');
  log.warn('careful');
  t.equal(out.length, 1);
  t.match(JSON.parse(out[0] as string), { level: 'info', service: 'watchdog', msg: 'shown' });
  t.match(JSON.parse(err[0] as string), { level: 'warn', msg: 'careful' });
});
