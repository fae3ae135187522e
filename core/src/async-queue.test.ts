import t from 'tap';
import { ASYNC_ATTEMPTS_CEILING, ASYNC_RETENTION, AsyncQueueNameSchema, DEFAULT_ASYNC_QUEUE_NAME, callbackQueueName } from './async-queue.js';

t.test('queue names: the default, and what would break BullMQ keys is refused', async (t) => {
  t.equal(AsyncQueueNameSchema.parse(undefined), DEFAULT_ASYNC_QUEUE_NAME);
  t.equal(AsyncQueueNameSchema.parse('team-a.async_1'), 'team-a.async_1');
  for (const bad of ['', 'a:b', 'with space', 'a/b', 'x'.repeat(101)]) {
    t.notOk(AsyncQueueNameSchema.safeParse(bad).success, JSON.stringify(bad.slice(0, 12)));
  }
});

t.test('the callback queue is derived from the request queue, so one name isolates a deployment', async (t) => {
  t.equal(callbackQueueName(DEFAULT_ASYNC_QUEUE_NAME), 'funtainer-async-callbacks', 'the wire name existing deployments use');
  t.not(callbackQueueName('a'), callbackQueueName('b'));
});

t.test('retention and ceiling are frozen values both sides read', async (t) => {
  t.ok(Object.isFrozen(ASYNC_RETENTION) && Object.isFrozen(ASYNC_RETENTION.failed));
  t.ok(ASYNC_RETENTION.failed.age >= ASYNC_RETENTION.completed.age, 'dead letters outlive successes');
  t.ok(ASYNC_ATTEMPTS_CEILING >= 100, 'the worker accepts retry_attempts up to 100: the ceiling must not cut them');
});
