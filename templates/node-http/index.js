'use strict';
// The upstream server the watchdog proxies to in http mode. Kept tiny: it only adapts the user's
// (req, res) handler and turns a thrown error into a 500 instead of a crashed process.
const http = require('node:http');
const handler = require('./function/handler.js');

const port = Number(process.env.http_port || 3000);

const server = http.createServer(async (req, res) => {
  try {
    await handler(req, res);
  } catch (err) {
    console.error('handler failed:', err && err.stack ? err.stack : err);
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
    }
    res.end(res.headersSent ? undefined : 'handler failed\n');
  }
});

// only the watchdog in the same container talks to this server
server.listen(port, '127.0.0.1', () => console.log(`node-http upstream listening on 127.0.0.1:${port}`));

// the watchdog forwards SIGTERM; finish in-flight responses, then exit
process.on('SIGTERM', () => server.close(() => process.exit(0)));
