/** `--password-stdin` works for every command that talks to the gateway (issue 14 #19: `status` ignored it). */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import type { Io } from './io.js';
import { run } from './run.js';

t.test('status and list send the password read from stdin', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-stdin-'));
  const seen: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/healthz') return void res.writeHead(200).end('OK');
    seen.push(req.headers.authorization ?? '');
    if (req.headers.authorization !== `Basic ${Buffer.from('admin:from-stdin').toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Restricted"' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(req.url?.startsWith('/system/info') ? '{"provider":{"provider":"x","version":{"release":"1"}},"version":{"release":"1"},"arch":"x"}' : '[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const command of ['status', 'list']) {
    const stdin = new PassThrough();
    stdin.end('from-stdin\n');
    let err = '';
    const io: Io = { out: () => {}, err: (text) => void (err += text), writeOut: () => {}, stdin, stdinIsTTY: false };
    const code = await run([command, '-g', url, '--password-stdin'], { env: { FUNTAINER_CONFIG: join(dir, '.cfg') }, cwd: dir, homeDir: dir, io, signal: new AbortController().signal });
    t.equal(code, 0, `${command} exits 0 (${err})`);
  }
  t.ok(seen.length >= 2 && seen.every((h) => h.startsWith('Basic ')), 'every request carried the credentials');
});
