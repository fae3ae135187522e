import t from 'tap';
import { ASYNC_ATTEMPTS_CEILING } from './async-queue.js';
import { parseStatusCodes, retryLabelProblems, retryLabelValues } from './retry-labels.js';

const L = {
  attempts: 'com.openfaas.retry.attempts',
  codes: 'com.openfaas.retry.codes',
  min: 'com.openfaas.retry.min_wait',
  max: 'com.openfaas.retry.max_wait',
};

t.test('values: read leniently, attempts capped at the queue ceiling', async (t) => {
  t.same(retryLabelValues(undefined), {});
  t.same(retryLabelValues({ [L.attempts]: '3', [L.codes]: '429, 503', [L.min]: '50ms', [L.max]: '2s' }), { attempts: 3, codes: [429, 503], minWaitMs: 50, maxWaitMs: 2000 });
  t.same(retryLabelValues({ [L.attempts]: '0', [L.codes]: 'x', [L.min]: 'soon', [L.max]: ' ' }), {}, 'unreadable values are absent');
  t.equal(retryLabelValues({ [L.attempts]: '500' }).attempts, ASYNC_ATTEMPTS_CEILING, 'above the ceiling: cut to it, as BullMQ would');
});

t.test('problems: every bad label named, acceptable ones pass', async (t) => {
  t.same(retryLabelProblems({ [L.attempts]: '100', [L.codes]: '429', [L.min]: '1s', [L.max]: '1s' }), []);
  const problems = retryLabelProblems({ [L.attempts]: '101', [L.codes]: '42', [L.min]: 'later', [L.max]: '5x' });
  t.equal(problems.length, 4, problems.join('\n'));
  t.match(problems[0], /retry\.attempts: "101" is not an integer from 1 to 100/);
  t.match(retryLabelProblems({ [L.min]: '2m', [L.max]: '1m' }), [/min_wait: must not exceed com\.openfaas\.retry\.max_wait/]);
  t.same(parseStatusCodes(''), undefined, 'an empty list is not a list of codes');
});
