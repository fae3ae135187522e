import t from 'tap';
import { effectiveTimeoutMs } from './timeout.js';

const cases: Array<[string, number, string | string[] | undefined, number]> = [
  ['no header uses exec_timeout', 30_000, undefined, 30_000],
  ['shorter header is honoured', 30_000, '5s', 5000],
  ['go duration with ms', 30_000, '250ms', 250],
  ['bare integer is seconds', 30_000, '2', 2000],
  ['equal to exec_timeout is honoured', 10_000, '10s', 10_000],
  ['longer header is ignored', 10_000, '1m', 10_000],
  ['garbage header is ignored', 10_000, 'soon', 10_000],
  ['zero header cannot disable the limit', 10_000, '0s', 10_000],
  ['exec_timeout 0 ignores the header (no limit)', 0, '5s', 0],
  ['first of repeated headers', 30_000, ['3s', '1s'], 3000],
];

for (const [name, exec, header, expected] of cases) {
  t.equal(effectiveTimeoutMs(exec, header), expected, name);
}
