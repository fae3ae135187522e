import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { createUpstreamPool, type UpstreamPool } from './http-pool.js';

async function startServer(t: { teardown(fn: () => unknown): void }, keepAliveTimeoutMs = 5000) {
  const sockets = new Set<Socket>();
  let open = 0;
  let maxOpen = 0;
  let connections = 0;
  let lastClosedAt = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      setTimeout(() => {
        if (req.url === '/close') res.setHeader('connection', 'close');
        res.end(req.url);
      }, 20);
    });
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    connections++;
    maxOpen = Math.max(maxOpen, ++open);
    socket.on('close', () => {
      sockets.delete(socket);
      open--;
      lastClosedAt = performance.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats: () => ({ open, maxOpen, connections, lastClosedAt }) };
}

/** Through undici's request() helper: the pool itself has dispatch() only. */
async function get(pool: UpstreamPool, origin: string, path: string): Promise<string> {
  const res = await request(origin + path, { dispatcher: pool as Dispatcher });
  return res.body.text();
}

t.test('bounds connections, queues beyond them, reuses them, survives Connection: close', async (t) => {
  const server = await startServer(t);
  const pool = await createUpstreamPool(server.origin, 2);
  t.teardown(() => pool.destroy());
  const paths = Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? '/close' : `/r${i}`));
  t.same(await Promise.all(paths.map((p) => get(pool, server.origin, p))), paths);
  t.ok(server.stats().maxOpen <= 2, `at most 2 connections (saw ${server.stats().maxOpen})`);
  t.ok(server.stats().connections < paths.length, `connections reused (${server.stats().connections} for ${paths.length} requests)`);
  t.equal(await get(pool, server.origin, '/again'), '/again');
});

t.test("an idle connection is closed inside the upstream's announced keep-alive, less the margin", async (t) => {
  // node announces `Keep-Alive: timeout=2` and closes after 2.5 s idle; the pool must close first, after ~1 s.
  const server = await startServer(t, 2500);
  const pool = await createUpstreamPool(server.origin, 1);
  t.teardown(() => pool.destroy());
  await get(pool, server.origin, '/one');
  const idleSince = performance.now();
  for (let i = 0; i < 100 && server.stats().open > 0; i++) await new Promise((r) => setTimeout(r, 25));
  const idleMs = server.stats().lastClosedAt - idleSince;
  t.equal(server.stats().open, 0, 'closed');
  t.ok(idleMs > 700 && idleMs < 2000, `closed by the pool after ${idleMs.toFixed(0)} ms idle`);
  t.equal(await get(pool, server.origin, '/two'), '/two', 'a new connection serves the next request');
});
