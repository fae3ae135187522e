/**
 * The separate metrics listener (port 8081, `/metrics`), kept off the function port so scrapes never compete with
 * max_inflight and the endpoint need not be exposed with the function.
 */
import { createServer, type Server } from 'node:http';
import type { WatchdogMetrics } from './metrics.js';

/** of-watchdog serves metrics with 500 ms read/write timeouts; a scrape is small and local. */
const METRICS_REQUEST_TIMEOUT_MS = 500;

export function createMetricsServer(metrics: WatchdogMetrics): Server {
  const server = createServer({ requestTimeout: METRICS_REQUEST_TIMEOUT_MS, headersTimeout: METRICS_REQUEST_TIMEOUT_MS }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found\n');
      return;
    }
    const body = metrics.render();
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  });
  return server;
}
