import t from 'tap';
import { DeadlineExceededError } from '@funtainer/core/proxy/call-abort';
import { upstreamFailure, WatchdogError, WATCHDOG_ERROR_CODES } from './errors.js';

t.test('upstreamFailure: the deadline is exec_timeout (504), anything else the process unreachable (500)', async (t) => {
  const timeout = upstreamFailure(new DeadlineExceededError(100));
  t.equal(timeout.code, WATCHDOG_ERROR_CODES.execTimeout);
  t.equal(timeout.statusCode, 504);
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const unreachable = upstreamFailure(refused);
  t.equal(unreachable.code, WATCHDOG_ERROR_CODES.upstreamUnavailable);
  t.equal(unreachable.statusCode, 500);
  t.equal(unreachable.cause, refused, 'the foreign error is kept as the cause');
  const own = new WatchdogError(WATCHDOG_ERROR_CODES.childExited, 'gone');
  t.equal(upstreamFailure(own), own);
});
