import t from 'tap';
import { forwardRequestHeaders, forwardResponseHeaders, isEventStream, type RequestHeaderFilter } from './forward-headers.js';

t.test('request: hop-by-hop and expect are dropped, spelling and order kept, framing reported', async (t) => {
  const raw = ['Host', 'h:1', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'TE', 'trailers',
    'Expect', '100-continue', 'Upgrade', 'h2c', 'Proxy-Authorization', 'x', 'Content-Type', 'text/plain', 'X-Call-Id', 'a'];
  const head = forwardRequestHeaders(raw);
  t.same(head.headers, ['Host', 'h:1', 'Content-Type', 'text/plain', 'X-Call-Id', 'a']);
  t.equal(head.chunked, true);
  t.equal(head.contentLength, -1);
  t.equal(forwardRequestHeaders(['Content-Length', '12']).contentLength, 12);
});

t.test('request: headers named in Connection are hop-by-hop too, in any case and across repeated fields', async (t) => {
  const raw = ['Connection', 'close, X-Hop', 'x-hop', '1', 'X-Keep', 'k', 'connection', 'X-Other', 'X-OTHER', '2'];
  t.same(forwardRequestHeaders(raw).headers, ['X-Keep', 'k']);
  t.same(forwardRequestHeaders(['Connection', ' , ', 'A', 'b']).headers, ['A', 'b'], 'empty tokens name nothing');
});

t.test('request: a filter sees forwardable headers lower-cased and can keep them back', async (t) => {
  const seen: string[] = [];
  const filter: RequestHeaderFilter = { keep: (lower, value) => (seen.push(`${lower}=${value}`), lower !== 'authorization') };
  const head = forwardRequestHeaders(['Connection', 'keep-alive', 'Authorization', 'Basic x', 'Accept', '*/*'], filter);
  t.same(head.headers, ['Accept', '*/*']);
  t.same(seen, ['authorization=Basic x', 'accept=*/*'], 'hop-by-hop headers never reach the filter');
});

t.test('response: hop-by-hop and Connection-named headers are dropped, arrays kept', async (t) => {
  const out = forwardResponseHeaders({ 'content-type': 'text/plain', connection: 'keep-alive, X-Hop', 'x-hop': '1', 'keep-alive': 'timeout=5',
    'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'], skipped: undefined });
  t.same(out, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
  t.same(forwardResponseHeaders({ connection: ['close', 'x-a'], 'x-a': '1', 'x-b': '2' }), { 'x-b': '2' }, 'repeated Connection fields (undici)');
});

t.test('isEventStream', async (t) => {
  t.ok(isEventStream({ 'content-type': 'text/event-stream; charset=utf-8' }));
  t.notOk(isEventStream({ 'content-type': 'text/plain' }));
  t.notOk(isEventStream({}));
});
