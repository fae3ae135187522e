'use strict';

const TICKS = 10;
const INTERVAL_MS = 100;

/**
 * Streams one line every 100 ms for about a second, as server-sent events, so clients (and the gateway's
 * streaming proxy) can be seen delivering output before the function finishes.
 */
module.exports = async (req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (let tick = 1; tick <= TICKS; tick++) {
    if (res.destroyed) return;
    res.write(`data: tick ${tick} ${new Date().toISOString()}\n\n`);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
  res.end('data: done\n\n');
};
