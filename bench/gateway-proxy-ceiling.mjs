// Benchmark helper for bench/gateway.sh, not product code: the cheapest reverse proxy we know how to write in Node
// (a plain node:http server handing each request to an undici Pool through `dispatch`, no routing, no limits,
// no metrics, no error handling beyond a 502). Its throughput in front of the same upstream is the ceiling for
// any Node gateway on this machine, so the gateway's figures can be read against it as well as the bare server.
//   UPSTREAM_URL=http://127.0.0.1:PORT node bench/gateway-proxy-ceiling.mjs   → prints {"port":N}
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

// The gateway's own undici (7), not whichever version another package hoisted to the root.
const { Pool } = createRequire(new URL('../gateway/package.json', import.meta.url))('undici');

const pool = new Pool(process.env.UPSTREAM_URL, { connections: 128 });

function forward(req, res, body) {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    if (name !== 'host' && name !== 'connection') headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  pool.dispatch({ path: req.url, method: req.method, headers, body }, {
    onRequestStart() {},
    onResponseStart(_controller, statusCode, upstreamHeaders) {
      delete upstreamHeaders.connection;
      delete upstreamHeaders['keep-alive'];
      res.writeHead(statusCode, upstreamHeaders);
    },
    onResponseData(_controller, chunk) {
      res.write(chunk);
    },
    onResponseEnd() {
      res.end();
    },
    onResponseError(_controller, error) {
      if (res.headersSent) res.destroy(error);
      else res.writeHead(502).end();
    },
  });
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => forward(req, res, chunks.length === 0 ? null : Buffer.concat(chunks)));
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
