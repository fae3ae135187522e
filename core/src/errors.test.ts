import t from 'tap';
import { ERROR_CODES, FuntainerError, toFuntainerError } from './errors.js';

t.test('every code has a 4xx/5xx status and a message', async (t) => {
  for (const [code, def] of Object.entries(ERROR_CODES)) {
    t.ok(def.status >= 400 && def.status < 600, `${code} status`);
    t.ok(def.message.length > 0, `${code} message`);
    t.match(code, /^FUNTAINER_ERR_[A-Z_]+$/);
  }
});

t.test('error carries code, status, details and a stable body', async (t) => {
  const err = new FuntainerError('FUNTAINER_ERR_UPSTREAM_TIMEOUT', 'timed out', { details: { limit: 'function' } });
  t.equal(err.statusCode, 504);
  t.same(err.toBody('abc'), { code: 'FUNTAINER_ERR_UPSTREAM_TIMEOUT', message: 'timed out', statusCode: 504, limit: 'function', callId: 'abc' });
});

t.test('unknown errors are wrapped without leaking their message', async (t) => {
  const wrapped = toFuntainerError(new Error('secret engine detail'));
  t.equal(wrapped.code, 'FUNTAINER_ERR_INTERNAL');
  t.notMatch(wrapped.message, /secret/);
  t.ok(wrapped.cause instanceof Error);
  const same = new FuntainerError('FUNTAINER_ERR_NOT_FOUND');
  t.equal(toFuntainerError(same), same);
});
