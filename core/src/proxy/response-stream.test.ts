import t from 'tap';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardChunk, startResponse } from './response-stream.js';

t.test('a full client buffer pauses the source until it drains', async (t) => {
  let paused = 0;
  let resumed = 0;
  const source = { pause: () => paused++, resume: () => resumed++ };
  const server = createServer((_req, res: ServerResponse) => {
    startResponse(res, 200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 8 && paused === 0; i++) forwardChunk(res, source, chunk);
    res.once('drain', () => setImmediate(() => res.end()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => request({ port, host: '127.0.0.1', agent: false }, (res) => res.resume().on('end', resolve)).end());
  t.equal(paused, 1, 'paused once the buffer was full');
  t.equal(resumed, 1, 'resumed on drain');
});

t.test('event streams get their headers at once', async (t) => {
  const server = createServer((_req, res: ServerResponse) => startResponse(res, 200, { 'content-type': 'text/event-stream' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request({ port, host: '127.0.0.1', agent: false });
  req.on('error', () => {});
  const status = await new Promise<number | undefined>((resolve) => req.on('response', (res) => resolve(res.statusCode)).end());
  t.equal(status, 200, 'headers arrived with no body written');
  req.destroy();
  server.closeAllConnections();
  server.close();
});
