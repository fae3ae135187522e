import t from 'tap';
import { MAX_RETRY_AFTER_MS, backoffDelayMs, decideRetry, parseRetryAfterMs, type AttemptOutcome, type RetrySettings } from './retry-policy.js';

const settings: RetrySettings = { attempts: 3, codes: [408, 429, 500, 502, 503, 504], minWaitMs: 1000, maxWaitMs: 8000 };
const half = () => 0.5;
const res = (statusCode: number, retryAfter?: string): AttemptOutcome => ({ kind: 'response', statusCode, retryAfter });

t.test('outcome table', async (t) => {
  const table: Array<[string, AttemptOutcome, number, string]> = [
    ['200 is done', res(200), 1, 'done'],
    ['204 is done', res(204), 1, 'done'],
    ['400 is final', res(400), 1, 'give-up'],
    ['404 is final', res(404), 1, 'give-up'],
    ['401 is final', res(401), 1, 'give-up'],
    ['408 retries', res(408), 1, 'retry'],
    ['429 retries', res(429), 1, 'retry'],
    ['500 retries', res(500), 1, 'retry'],
    ['502 retries', res(502), 1, 'retry'],
    ['503 retries', res(503), 2, 'retry'],
    ['504 retries', res(504), 1, 'retry'],
    ['501 is final (not in the list)', res(501), 1, 'give-up'],
    ['network error retries', { kind: 'network-error', code: 'ECONNREFUSED' }, 1, 'retry'],
    ['503 on the last attempt gives up', res(503), 3, 'give-up'],
    ['302 is final', res(302), 1, 'give-up'],
  ];
  for (const [name, outcome, attempt, kind] of table) t.equal(decideRetry(outcome, attempt, 3, settings, 0, half).kind, kind, name);
});

t.test('give-up reasons distinguish a final status from exhausted attempts', async (t) => {
  t.match(decideRetry(res(400), 1, 3, settings, 0, half), { reason: 'final-status' });
  t.match(decideRetry(res(503), 3, 3, settings, 0, half), { reason: 'attempts-exhausted' });
});

t.test('per-function codes replace the defaults', async (t) => {
  const custom = { ...settings, codes: [418] };
  t.equal(decideRetry(res(418), 1, 3, custom, 0, half).kind, 'retry');
  t.equal(decideRetry(res(503), 1, 3, custom, 0, half).kind, 'give-up');
});

t.test('exponential backoff with equal jitter stays within [d/2, d] and is capped', async (t) => {
  for (const [attempt, ceiling] of [[1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 8000], [40, 8000]] as const) {
    t.equal(backoffDelayMs(attempt, settings, () => 0), ceiling / 2, `attempt ${attempt} lower bound`);
    t.equal(backoffDelayMs(attempt, settings, () => 1), ceiling, `attempt ${attempt} upper bound`);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelayMs(attempt, settings, Math.random);
      if (d < ceiling / 2 || d > ceiling) t.fail(`attempt ${attempt}: ${d} outside [${ceiling / 2}, ${ceiling}]`);
    }
  }
});

t.test('Retry-After wins when longer, never shortens the backoff, and is bounded', async (t) => {
  t.equal(backoffDelayMs(1, settings, () => 1, 5000), 5000);
  t.equal(backoffDelayMs(3, settings, () => 1, 100), 4000);
  t.equal(backoffDelayMs(1, settings, () => 1, 10 * MAX_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
  t.match(decideRetry(res(429, '7'), 1, 3, settings, 0, half), { kind: 'retry', delayMs: 7000 });
});

t.test('Retry-After parsing: seconds, HTTP-date, garbage', async (t) => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  t.equal(parseRetryAfterMs('3', now), 3000);
  t.equal(parseRetryAfterMs(' 0 ', now), 0);
  t.equal(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
  t.equal(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now), 0, 'a past date means now');
  t.equal(parseRetryAfterMs('soon', now), undefined);
  t.equal(parseRetryAfterMs('-5', now), undefined);
  t.equal(parseRetryAfterMs(undefined, now), undefined);
});
