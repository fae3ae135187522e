import t from 'tap';
import { scheduleFields } from './commands/describe-schedule.js';

t.test('describe shows a cron function\'s schedule, next run and last run', async (t) => {
  t.same(scheduleFields(undefined), [], 'not a cron function: no lines');
  t.same(scheduleFields({ pattern: '0 9 * * *', timezone: 'Europe/Madrid', nextRun: '2026-01-02T08:00:00.000Z', lastRun: { callId: 'repeat:a.b:1', tick: '2026-01-01T08:00:00.000Z', state: 'succeeded', statusCode: 200 } }), [
    ['Schedule', '0 9 * * * (Europe/Madrid)'],
    ['Next run', '2026-01-02T08:00:00.000Z'],
    ['Last run', '2026-01-01T08:00:00.000Z succeeded 200, call repeat:a.b:1'],
  ]);
  t.same(scheduleFields({ pattern: '* * * * *', nextRun: null, lastRun: { callId: 'c', tick: 'T' } })[2], ['Last run', 'T record expired, call c']);
  t.same(scheduleFields({ pattern: '* * * * *', nextRun: null, lastRun: null }).slice(1), [['Next run', 'none scheduled (the gateway restores it)'], ['Last run', 'not yet']]);
  t.same(scheduleFields({ pattern: '* * * * *', nextRun: null, lastRun: null, error: 'queue down' }).slice(1), [['Next run', 'unknown (queue down)'], ['Last run', undefined]]);
});
