import t from 'tap';
import { isCronFunction, parseScheduleAnnotations, scheduleProblems } from './schedule-annotations.js';

const cron = (schedule?: string, timezone?: string) => ({ topic: 'cron-function', ...(schedule !== undefined ? { schedule } : {}), ...(timezone !== undefined ? { timezone } : {}) });

t.test('a cron function is one whose topic names cron-function (alone, as in CE, or in a list, as in Pro)', async (t) => {
  t.ok(isCronFunction({ topic: 'cron-function' }));
  t.ok(isCronFunction({ topic: 'orders, cron-function' }));
  t.notOk(isCronFunction({ topic: 'cron-functions' }));
  t.notOk(isCronFunction({ schedule: '* * * * *' }), 'a schedule without the topic is ignored, as cron-connector does');
  t.notOk(isCronFunction(undefined));
  t.same(parseScheduleAnnotations({ schedule: 'not even cron' }), { ok: true, schedule: undefined });
});

t.test('valid schedules: 5 fields, 6 with seconds, @aliases; the time zone in its canonical spelling', async (t) => {
  t.same(parseScheduleAnnotations(cron('*/5 * * * *')), { ok: true, schedule: { pattern: '*/5 * * * *' } });
  t.same(parseScheduleAnnotations(cron(' */1 * * * * * ')), { ok: true, schedule: { pattern: '*/1 * * * * *' } }, 'trimmed; seconds field');
  t.same(parseScheduleAnnotations(cron('@hourly')), { ok: true, schedule: { pattern: '@hourly' } });
  t.same(parseScheduleAnnotations(cron('0 9 * * MON-FRI', 'europe/madrid')), { ok: true, schedule: { pattern: '0 9 * * MON-FRI', timezone: 'Europe/Madrid' } });
  t.same(parseScheduleAnnotations(cron('0 0 29 2 *', 'UTC')), { ok: true, schedule: { pattern: '0 0 29 2 *', timezone: 'UTC' } }, 'leap day fires every 4 years');
  t.same(parseScheduleAnnotations(cron('0 9 * * *', '  ')), { ok: true, schedule: { pattern: '0 9 * * *' } }, 'a blank time zone is none');
});

t.test('bad schedules and time zones: problems naming the annotation', async (t) => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing schedule', cron(), /^annotations\.schedule: required when annotations\.topic is "cron-function"/],
    ['blank schedule', cron('   '), /^annotations\.schedule: required/],
    ['out of range', cron('61 * * * *'), /^annotations\.schedule: "61 \* \* \* \*" is not a valid cron expression \(Constraint error/],
    ['too few fields', cron('* * *'), /^annotations\.schedule: "\* \* \*" has 3 fields; a cron expression has 5/],
    ['too many fields', cron('* * * * * * *'), /has 7 fields/],
    ['words', cron('every minute'), /has 2 fields/],
    ['unknown alias', cron('@every 5m'), /^annotations\.schedule: "@every 5m" is not a valid cron expression/],
    ['never fires', cron('0 0 30 2 *'), /^annotations\.schedule: "0 0 30 2 \*" is not a valid cron expression/],
    ['too long', cron(`${'1,'.repeat(150)}1 * * * *`), /is longer than 200 characters/],
    ['unknown zone', cron('0 9 * * *', 'Mars/Base'), /^annotations\.timezone: "Mars\/Base" is not a time zone name/],
  ];
  for (const [what, annotations, message] of cases) {
    const problems = scheduleProblems(annotations);
    t.equal(problems.length, 1, `${what}: one problem (${problems.join(' | ')})`);
    t.match(problems[0] ?? '', message, what);
  }
  t.equal(scheduleProblems(cron('61 * * * *', 'Mars/Base')).length, 2, 'both fields reported at once');
  t.same(scheduleProblems({ topic: 'orders', schedule: 'nonsense' }), [], 'not a cron function: nothing to check');
});
