import t from 'tap';
import { classifyStatus } from './topic-forwarder.js';
import { deadLetterFields, eventRequest, parseClaimReply, parseReadReply } from './topic-stream-entry.js';

const b = (s: string) => Buffer.from(s);

t.test('XREADGROUP replies: entries per stream key, bodies kept as bytes; a timeout is empty', async (t) => {
  const binary = Buffer.from([0, 255, 10]);
  const read = parseReadReply([[b('funtainer:topic:orders'), [[b('1-0'), [b('body'), binary, b('content-type'), b('application/json')]], [b('2-0'), null]]]]);
  const entries = read.get('funtainer:topic:orders');
  t.equal(entries?.length, 2);
  t.equal(entries?.[0]?.id, '1-0');
  t.same(entries?.[0]?.fields?.get('body'), binary, 'binary body untouched');
  t.equal(entries?.[1]?.fields, undefined, 'a trimmed entry has no fields');
  t.equal(parseReadReply(null).size, 0);
});

t.test('XAUTOCLAIM replies: cursor and claimed entries (the deleted-ids part is ignored)', async (t) => {
  const claim = parseClaimReply([b('5-0'), [[b('3-0'), [b('body'), b('x')]]], [b('2-0')]]);
  t.equal(claim.cursor, '5-0');
  t.same(claim.entries.map((e) => e.id), ['3-0']);
  t.same(parseClaimReply(undefined), { cursor: '0-0', entries: [] });
});

t.test('an entry becomes an event: the entry id unless the producer named the event; defaults for the rest', async (t) => {
  const fields = new Map([['body', b('{"a":1}')], ['content-type', b('application/json')], ['event-id', b('order-7')]]);
  t.same(eventRequest({ id: '9-1', fields }), { eventId: 'order-7', contentType: 'application/json', body: b('{"a":1}') });
  t.same(eventRequest({ id: '9-2', fields: new Map() }), { eventId: '9-2', contentType: 'application/octet-stream', body: Buffer.alloc(0) });
  t.same(deadLetterFields({ id: '9-1', fields: new Map([['body', b('x')]]) }, 'too large'), ['source-id', '9-1', 'reason', 'too large', 'body', b('x')]);
});

t.test('gateway answers: 202 acknowledges; a final 4xx dead-letters; the rest waits', async (t) => {
  t.equal(classifyStatus(202), 'published');
  for (const code of [400, 413, 422]) t.equal(classifyStatus(code), 'rejected', String(code));
  for (const code of [200, 401, 403, 404, 408, 429, 500, 503]) t.equal(classifyStatus(code), 'retry', String(code));
});
