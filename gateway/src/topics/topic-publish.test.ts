import t from 'tap';
import type { QueueRequest } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { topicCallId } from '@funtainer/core/topics';
import { createTopicPublisher, topicCalls, type TopicEvent } from './topic-publish.js';

const event: TopicEvent = {
  topic: 'orders',
  eventId: 'evt-1',
  headers: { 'content-type': 'application/json', authorization: 'Basic c2VjcmV0', 'x-topic': 'spoofed', 'x-custom': 'kept' },
  body: Buffer.from('{"id":1}'),
};
const subscribers = [{ name: 'a', namespace: 'prod' }, { name: 'a', namespace: 'staging' }];

t.test('topicCalls: one POST per subscriber with the body, the topic headers and a deterministic call id', async (t) => {
  const calls = topicCalls(event, subscribers, 1_000);
  t.equal(calls.length, 2);
  const [first] = calls;
  t.equal(first?.callId, topicCallId('orders', 'evt-1', subscribers[0]!));
  t.match(first, { function: 'a', namespace: 'prod', method: 'POST', path: '', query: '', body: Buffer.from('{"id":1}').toString('base64'), enqueuedAt: 1_000, topic: { name: 'orders', eventId: 'evt-1' } });
  t.match(first?.headers, { 'content-type': 'application/json', 'x-custom': 'kept', 'x-topic': 'orders', 'x-funtainer-event-id': 'evt-1', 'x-call-id': first?.callId });
  t.notOk('authorization' in (first?.headers ?? {}), 'credentials are never stored with a job');
  t.notOk('callbackUrl' in (first ?? {}));
  t.notSame(calls[0]?.callId, calls[1]?.callId, 'same name, other namespace: another call');
  t.same(topicCalls({ ...event, callbackUrl: 'http://cb.example/' }, subscribers, 1)[1]?.callbackUrl, 'http://cb.example/');
});

t.test('the publisher stores every call and counts; a refused call fails the publish and counts a failure', async (t) => {
  const stored: QueueRequest[] = [];
  const counted: string[] = [];
  let refuse = false;
  const woken: string[] = [];
  const publish = createTopicPublisher({
    subscribers: { of: async (topic) => (topic === 'orders' ? subscribers : []), list: async () => new Map(), invalidate: () => {} },
    queuer: {
      enqueue: async (req) => {
        if (refuse) throw new FuntainerError('FUNTAINER_ERR_QUEUE_UNAVAILABLE');
        stored.push(req);
        return { callId: req.callId };
      },
    },
    metrics: { published: (topic, n) => counted.push(`published ${topic} ${n}`), failed: (topic) => counted.push(`failed ${topic}`) },
    onEnqueued: (fn) => woken.push(fn.namespace),
    now: () => 5,
  });
  const result = await publish(event);
  t.same(result, { topic: 'orders', eventId: 'evt-1', subscribers: 2, calls: stored.map((c) => ({ function: `${c.function}.${c.namespace}`, callId: c.callId })) });
  t.same(woken, ['prod', 'staging'], 'subscribers scaled to zero are woken');
  t.same(await publish({ ...event, topic: 'nobody' }), { topic: 'nobody', eventId: 'evt-1', subscribers: 0, calls: [] }, 'no subscribers: nothing, not an error');
  refuse = true;
  await t.rejects(publish(event), { code: 'FUNTAINER_ERR_QUEUE_UNAVAILABLE' });
  t.same(counted, ['published orders 2', 'published nobody 0', 'failed orders']);
});
