import t from 'tap';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loggerOptions } from './logger.js';

t.test('loggerOptions: credential headers are redacted wherever a request is logged', async (t) => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const log = pino(loggerOptions('test'), sink);
  const headers = { authorization: 'Basic c2VjcmV0', 'x-api-key': 'key-123', cookie: 'sid=1', 'proxy-authorization': 'Basic eA==', 'x-kept': 'visible' };
  log.info({ req: { headers }, headers }, 'request');
  const out = lines.join('');
  for (const secret of ['c2VjcmV0', 'key-123', 'sid=1', 'eA==']) t.notOk(out.includes(secret), `${secret} redacted`);
  t.ok(out.includes('visible'), 'other headers stay');
});
