import t from 'tap';
import { ERROR_CODES, FuntainerError, toFuntainerError } from './errors.js';

t.test('every code has a 4xx/5xx status and a message', async (t) => {
  for (const [code, def] of Object.entries(ERROR_CODES)) {
    t.ok(def.status >= 400 && def.status < 600, `${code} status`);
    t.ok(def.message.length > 0, `${code} message`);
    // Platform codes are FUNTAINER_ERR_*; the watchdog's keep the FAAS_ERR_* names its logs always used.
    t.match(code, /^(FUNTAINER|FAAS)_ERR_[A-Z_]+$/);
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

t.test('one registry: every watchdog code is in it with the status the watchdog answers', async (t) => {
  const watchdogCodes = Object.keys(ERROR_CODES).filter((c) => c.startsWith('FAAS_ERR_'));
  t.ok(watchdogCodes.length >= 8, 'watchdog codes registered');
  t.equal(new FuntainerError('FAAS_ERR_EXEC_TIMEOUT').statusCode, 504);
  t.equal(new FuntainerError('FAAS_ERR_BODY_TOO_LARGE').statusCode, 413);
  t.equal(new FuntainerError('FAAS_ERR_UPSTREAM_UNAVAILABLE').statusCode, 500, "of-watchdog's answer to a failed upstream call");
});
