import t from 'tap';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { abortOnClientClose, ClientClosedError, DeadlineExceededError, isUpstreamTimeout, startDeadline, type AbortReason } from './call-abort.js';

t.test('the deadline aborts with its limit as the reason', async (t) => {
  const reason = await new Promise<AbortReason>((resolve) => startDeadline({ abortCall: resolve }, 10));
  t.ok(reason instanceof DeadlineExceededError);
  t.equal((reason as DeadlineExceededError).timeoutMs, 10);
  t.ok(isUpstreamTimeout(reason));
});

t.test('a client closing early aborts; a finished response closing does not', async (t) => {
  const reasons: AbortReason[] = [];
  const server = createServer((req, res: ServerResponse) => {
    abortOnClientClose(res, { abortCall: (r) => reasons.push(r) });
    if (req.url === '/done') res.end('ok');
    else res.write('partial');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => request({ port, host: '127.0.0.1', path: '/done', agent: false }, (res) => res.resume().on('end', resolve)).end());
  await new Promise<void>((resolve) => {
    const req = request({ port, host: '127.0.0.1', path: '/cut', agent: false }, (res) => res.once('data', () => req.destroy()));
    req.on('error', () => {});
    req.on('close', resolve);
    req.end();
  });
  for (let i = 0; i < 100 && reasons.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(reasons.length, 1, 'one abort, for the response cut short');
  t.ok(reasons[0] instanceof ClientClosedError);
});

t.test('isUpstreamTimeout: undici timeouts yes, connection failures no', async (t) => {
  t.ok(isUpstreamTimeout(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })));
  t.notOk(isUpstreamTimeout(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })));
  t.notOk(isUpstreamTimeout(null));
});
