import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { FunctionContext } from './module-context.js';
import { buildEvent, parseBody } from './module-event.js';

t.test('context is chainable and readable like the OpenFaaS node templates', async (t) => {
  const context = new FunctionContext();
  t.equal(context.status(), 200);
  t.equal(context.status(201).headers({ a: '1' }).succeed('x'), context);
  t.equal(context.status(), 201);
  t.same(context.headers(), { a: '1' });
  t.equal(context.outcome, 'succeeded');
  t.equal(context.value, 'x');
});

t.test('first outcome wins', async (t) => {
  const context = new FunctionContext();
  context.succeed('first');
  context.fail('second');
  context.expire();
  t.equal(context.outcome, 'succeeded');
  t.equal(context.value, 'first');
});

t.test('fail defaults to 500 but keeps a chosen status', async (t) => {
  t.equal(new FunctionContext().fail('x').statusCode, 500);
  t.equal(new FunctionContext().status(422).fail('x').statusCode, 422);
});

t.test('settling notifies the waiting executor once', async (t) => {
  const context = new FunctionContext();
  let calls = 0;
  context.onSettled = () => calls++;
  context.succeed(1);
  context.succeed(2);
  t.equal(calls, 1);
});

const json = 'application/json';
t.test('body parsing by content type', async (t) => {
  t.same(parseBody(json, Buffer.from('{"a":[1,2]}'), false), { a: [1, 2] });
  t.same(parseBody('application/json; charset=utf-8', Buffer.from('[1]'), false), [1]);
  t.same(parseBody('application/ld+json', Buffer.from('{"x":1}'), false), { x: 1 });
  t.equal(parseBody('text/plain', Buffer.from('hi'), false), 'hi');
  t.equal(parseBody('Text/CSV; charset=utf-8', Buffer.from('a,b'), false), 'a,b');
  t.same(parseBody('application/x-www-form-urlencoded', Buffer.from('a=1&b=2&b=3'), false), { a: '1', b: ['2', '3'] });
  t.same(parseBody(json, Buffer.alloc(0), false), {}, 'empty body is {} as Express leaves it');
  t.ok(Buffer.isBuffer(parseBody('application/octet-stream', Buffer.from([1]), false)), 'unknown type → Buffer');
  t.ok(Buffer.isBuffer(parseBody(json, Buffer.from('{"a":1}'), true)), 'RAW_BODY → Buffer');
  t.throws(() => parseBody(json, Buffer.from('{oops'), false), { code: 'FAAS_ERR_BODY_INVALID' });
});

t.test('event carries method, headers, query and path', async (t) => {
  const req = {
    method: 'POST',
    url: '/orders/7?expand=items&tag=a&tag=b',
    headers: { 'content-type': 'text/plain', 'x-call-id': 'id-1' },
  } as unknown as IncomingMessage;
  const event = buildEvent(req, Buffer.from('hello'), false);
  t.equal(event.body, 'hello');
  t.equal(event.method, 'POST');
  t.equal(event.path, '/orders/7');
  t.same(event.query, { expand: 'items', tag: ['a', 'b'] });
  t.equal(event.headers['x-call-id'], 'id-1');
});

t.test('__proto__ keys cannot pollute query objects', async (t) => {
  const req = { method: 'GET', url: '/?__proto__=x&ok=1', headers: {} } as unknown as IncomingMessage;
  const event = buildEvent(req, Buffer.alloc(0), false);
  t.same(event.query, { ok: '1' });
  t.equal(Object.getPrototypeOf(event.query), Object.prototype);
});
