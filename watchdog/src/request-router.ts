/**
 * The watchdog's request listener: `/_/health`, `/_/ready`, and everything else to the function.
 *
 * The function path is the hot path: one in-flight counter (also the metrics gauge), a max_inflight check, the
 * timeout rule, the executor, one metrics observation. No per-request closures here.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HEADERS } from '@funtainer/core/headers';
import type { WatchdogConfig } from './config.js';
import type { Executor } from './executors/executor.js';
import { sendConcurrencyLimited, sendInternalError } from './internal-response.js';
import type { Lifecycle } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { WatchdogMetrics } from './metrics.js';
import { effectiveTimeoutMs } from './timeout.js';

export interface RouterDeps {
  readonly config: WatchdogConfig;
  readonly executor: Executor;
  readonly lifecycle: Lifecycle;
  readonly metrics: WatchdogMetrics;
  readonly log: Logger;
}

export function createRequestListener(deps: RouterDeps): RequestListener {
  const { config, executor, lifecycle, metrics, log } = deps;
  const maxInflight = config.maxInflight;

  async function invokeFunction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    metrics.inFlight++;
    try {
      const timeoutMs = effectiveTimeoutMs(config.execTimeoutMs, req.headers[HEADERS.timeout]);
      await executor.invoke(req, res, { timeoutMs, startedAt });
    } catch (err) {
      // Executors answer their own failures; reaching here is a bug, still answered rather than left hanging.
      log.error('executor failed unexpectedly', { err });
      sendInternalError(res, 500, 'Internal Server Error\n');
    } finally {
      metrics.inFlight--;
      metrics.observe(req.method ?? 'GET', res.statusCode, (performance.now() - startedAt) / 1000);
    }
  }

  function ready(req: IncomingMessage, res: ServerResponse): void {
    if (!lifecycle.isHealthy()) return sendPlain(res, 503, 'Service Unavailable');
    if (maxInflight > 0 && metrics.inFlight >= maxInflight) return sendPlain(res, 429, 'Too Many Requests');
    if (config.readyPath === '') return sendPlain(res, 200, 'OK');
    // of-watchdog readiness.go: ask the function itself at ready_path.
    req.url = config.readyPath;
    void invokeFunction(req, res);
  }

  return (req, res) => {
    const url = req.url ?? '/';
    if (url.charCodeAt(1) === 0x5f /* '_' */ && url.startsWith('/_/')) {
      const path = url.split('?')[0];
      if (path === '/_/health' || path === '/_/ready') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendPlain(res, 405, 'Method Not Allowed');
        if (path === '/_/ready') return ready(req, res);
        return lifecycle.isHealthy() ? sendPlain(res, 200, 'OK') : sendPlain(res, 503, 'Service Unavailable');
      }
    }
    if (maxInflight > 0 && metrics.inFlight >= maxInflight) {
      req.resume();
      sendConcurrencyLimited(res, maxInflight);
      return metrics.observe(req.method ?? 'GET', 429, 0);
    }
    void invokeFunction(req, res);
  };
}

function sendPlain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) });
  res.end(body);
}
