/** Pure pieces of the proxy: path parsing, header rewriting. */
import t from 'tap';
import { parseInvocationPath } from './invocation-path.js';
import { buildClientResponseHeaders, buildUpstreamRequestHeaders } from './upstream-headers.js';

t.test('parseInvocationPath', async (t) => {
  t.same(parseInvocationPath('/function/echo'), { rawName: 'echo', upstreamPath: '/' });
  t.same(parseInvocationPath('/function/echo/'), { rawName: 'echo', upstreamPath: '/' });
  t.same(parseInvocationPath('/function/echo.staging/a/b?x=1'), { rawName: 'echo.staging', upstreamPath: '/a/b?x=1' });
  t.same(parseInvocationPath('/function/echo?x=1&y'), { rawName: 'echo', upstreamPath: '/?x=1&y' });
  t.equal(parseInvocationPath('/function/'), undefined);
  t.equal(parseInvocationPath('/function//x'), undefined);
});

t.test('buildUpstreamRequestHeaders strips hop-by-hop, keeps or makes a call id, adds forwarding headers', async (t) => {
  const raw = ['Host', 'gw:8080', 'Connection', 'keep-alive, X-Hop', 'X-Hop', '1', 'Transfer-Encoding', 'chunked', 'TE', 'trailers', 'Expect', '100-continue', 'Content-Type', 'text/plain', 'Upgrade', 'h2c'];
  const built = buildUpstreamRequestHeaders(raw, '10.1.2.3', '123000000', () => 'generated');
  t.same(built.headers, ['Content-Type', 'text/plain', 'x-call-id', 'generated', 'x-start-time', '123000000', 'x-forwarded-for', '10.1.2.3', 'x-forwarded-host', 'gw:8080']);
  t.equal(built.callId, 'generated');
  t.equal(built.chunked, true);
  t.equal(built.contentLength, -1);
  const given = buildUpstreamRequestHeaders(['X-Call-Id', 'abc', 'X-Forwarded-For', 'client', 'Content-Length', '5'], undefined, '1', () => t.fail('not called') as never);
  t.equal(given.callId, 'abc');
  t.equal(given.contentLength, 5);
  t.same(given.headers, ['X-Call-Id', 'abc', 'X-Forwarded-For', 'client', 'Content-Length', '5', 'x-start-time', '1']);
});

t.test('buildClientResponseHeaders', async (t) => {
  const out = buildClientResponseHeaders({ 'content-type': 'text/plain', connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'] }, 'cid', '99', 0.25, false);
  t.same(out, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'], 'x-call-id': 'cid', 'x-start-time': '99', 'x-duration-seconds': '0.250000' });
  const keep = buildClientResponseHeaders({ 'x-duration-seconds': '0.1' }, 'c', '1', 2, true);
  t.equal(keep['x-duration-seconds'], '0.1', "the watchdog's own measurement is kept");
  t.equal(keep.connection, 'close', 'draining closes keep-alive');
});

t.test('X-Start-Time reaches the replica once, the gateway\'s own (an async replay carries the enqueue time)', async (t) => {
  const raw = ['X-Start-Time', '111000000', 'Content-Type', 'text/plain', 'x-start-time', '222000000'];
  const built = buildUpstreamRequestHeaders(raw, undefined, '999000000', () => 'id');
  const starts = built.headers.filter((_v, i) => i % 2 === 0 && built.headers[i]?.toLowerCase() === 'x-start-time').length;
  t.equal(starts, 1, 'one X-Start-Time');
  t.equal(built.headers[built.headers.findIndex((h) => h.toLowerCase() === 'x-start-time') + 1], '999000000');
});
