import t from 'tap';
import { isCronFunction, isValidEventId, isValidTopicName, subscribedTopics, topicCallId, topicEntries, topicProblems } from './topics.js';

t.test('the topic annotation: a comma list; cron-function is the cron marker, not a subscription', async (t) => {
  t.same(topicEntries({ topic: ' orders , ,payments ' }), ['orders', 'payments']);
  t.same(topicEntries(undefined), []);
  t.same(subscribedTopics({ topic: 'orders,cron-function,orders,audit' }), ['orders', 'audit'], 'marker dropped, repeats once');
  t.same(subscribedTopics({ topic: 'cron-function' }), []);
  t.ok(isCronFunction({ topic: 'orders, cron-function' }));
  t.notOk(isCronFunction({ topic: 'orders' }));
});

t.test('topic names: URL-, label- and key-safe', async (t) => {
  for (const ok of ['orders', 'orders.created', 'a_b-c', '9lives', 'x'.repeat(100)]) t.ok(isValidTopicName(ok), ok);
  for (const bad of ['', '.hidden', '-x', 'a/b', 'a b', 'a:b', 'ünicode', 'x'.repeat(101), 'a*']) t.notOk(isValidTopicName(bad), bad);
  t.same(topicProblems({ topic: 'orders, bad/name' }), ['annotations.topic: "bad/name" is not a topic name (letters, digits and . _ -, at most 100 characters)']);
  t.same(topicProblems({ topic: 'cron-function' }), []);
  t.same(topicProblems(undefined), []);
});

t.test('event ids: stream entry ids and uuids pass; spaces, slashes and overlong ids do not', async (t) => {
  for (const ok of ['1767225600000-0', 'b7c1d1e0-1f1a-4c1e-9d5e-0f6c6b0b9a11', 'order:42']) t.ok(isValidEventId(ok), ok);
  for (const bad of ['', 'a b', 'a/b', 'x'.repeat(129)]) t.notOk(isValidEventId(bad), bad);
});

t.test('topicCallId: the same (topic, event, function) gives the same id; any difference a new one', async (t) => {
  const fn = { name: 'echo', namespace: 'openfaas-fn' };
  const id = topicCallId('orders', '1-0', fn);
  t.match(id, /^topic-[0-9a-f]{32}$/);
  t.equal(topicCallId('orders', '1-0', { ...fn }), id, 'deterministic');
  const others = [topicCallId('payments', '1-0', fn), topicCallId('orders', '2-0', fn), topicCallId('orders', '1-0', { name: 'echo', namespace: 'staging' })];
  t.equal(new Set([id, ...others]).size, 4, 'topic, event id and namespace all count');
});
