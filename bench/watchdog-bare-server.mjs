// The limit for bench/watchdog.mjs: a bare node:http server that reads the body and answers a small JSON.
// Also used as the http-mode upstream, so both sides of the ratio do the same work.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? process.argv[2] ?? 3000);
const body = JSON.stringify({ hello: 'world' });
createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(port, '127.0.0.1');
