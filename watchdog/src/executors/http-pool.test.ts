import t from 'tap';
import { createServer, request, type Agent, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { idleLimitFromKeepAlive, UpstreamPool } from './http-pool.js';

async function startServer(t: { teardown(fn: () => unknown): void }) {
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        if (req.url === '/close') res.setHeader('connection', 'close');
        res.end(req.url);
      }, 20);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    maxOpen = Math.max(maxOpen, ++open);
    socket.on('close', () => {
      sockets.delete(socket);
      open--;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, stats: () => ({ open, maxOpen }) };
}

function get(pool: UpstreamPool, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ agent: pool as unknown as Agent, host: '127.0.0.1', port, path, method: 'GET' }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('queues beyond maxSockets, reuses sockets, survives Connection: close', async (t) => {
  const server = await startServer(t);
  const pool = new UpstreamPool('127.0.0.1', server.port, 2);
  t.teardown(() => pool.destroy());
  const paths = Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? '/close' : `/r${i}`));
  t.same(await Promise.all(paths.map((p) => get(pool, server.port, p))), paths);
  t.ok(server.stats().maxOpen <= 2, `at most 2 connections (saw ${server.stats().maxOpen})`);
  t.equal(await get(pool, server.port, '/again'), '/again');
});

t.test('a destroyed request waiting for a socket does not take one', async (t) => {
  const server = await startServer(t);
  const pool = new UpstreamPool('127.0.0.1', server.port, 1);
  t.teardown(() => pool.destroy());
  const first = get(pool, server.port, '/a');
  const waiting = request({ agent: pool as unknown as Agent, host: '127.0.0.1', port: server.port, path: '/b' });
  waiting.on('error', () => {});
  waiting.end();
  waiting.destroy();
  t.equal(await first, '/a');
  t.equal(await get(pool, server.port, '/c'), '/c');
});

t.test('keep-alive hint', async (t) => {
  t.equal(idleLimitFromKeepAlive('timeout=5'), 4000);
  t.equal(idleLimitFromKeepAlive('timeout=1'), 1, 'too short to reuse safely');
  t.equal(idleLimitFromKeepAlive('max=100'), 0);
});
