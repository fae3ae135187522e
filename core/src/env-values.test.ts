import t from 'tap';
import { formatDurationMs, parseBoolean, parseDurationMs, parseNonNegativeInt } from './env-values.js';

t.test('durations accept bare seconds and unit strings', async (t) => {
  t.equal(parseDurationMs('30'), 30_000);
  t.equal(parseDurationMs('30s'), 30_000);
  t.equal(parseDurationMs('500ms'), 500);
  t.equal(parseDurationMs('2m'), 120_000);
  t.equal(parseDurationMs('1m30s'), 90_000);
  t.equal(parseDurationMs('1.5s'), 1500);
  t.equal(parseDurationMs(' 0 '), 0);
});

t.test('durations reject garbage', async (t) => {
  for (const bad of ['', 'abc', '-1', '30x', 's', '10 s', '1e3', '5d']) {
    t.equal(parseDurationMs(bad), undefined, `rejects ${JSON.stringify(bad)}`);
  }
});

t.test('booleans are parsed explicitly', async (t) => {
  t.equal(parseBoolean('true'), true);
  t.equal(parseBoolean('TRUE'), true);
  t.equal(parseBoolean('1'), true);
  t.equal(parseBoolean('false'), false);
  t.equal(parseBoolean('0'), false);
  t.equal(parseBoolean('off'), false);
  t.equal(parseBoolean('maybe'), undefined);
  t.equal(parseBoolean(''), undefined);
});

t.test('non-negative integers', async (t) => {
  t.equal(parseNonNegativeInt('0'), 0);
  t.equal(parseNonNegativeInt('42'), 42);
  t.equal(parseNonNegativeInt('-1'), undefined);
  t.equal(parseNonNegativeInt('1.5'), undefined);
  t.equal(parseNonNegativeInt('99999999999999999999'), undefined);
});

t.test('formatting', async (t) => {
  t.equal(formatDurationMs(250), '250ms');
  t.equal(formatDurationMs(1500), '1.5s');
  t.equal(formatDurationMs(60_000), '60s');
});
