/**
 * http mode: one long-lived function process behind a reverse proxy (of-watchdog executor/http_runner.go).
 *
 * Requests go to upstream_url + the original path over a keep-alive Agent, bodies streamed both ways. Platform
 * failures carry X-OpenFaaS-Internal: of-watchdog and X-Duration-Seconds, as of-watchdog: exec_timeout → 504,
 * connection failure → 500 (of-watchdog's status; the gateway maps it on). The child's exit is fatal for the whole
 * watchdog so the container restarts.
 */
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { HEADERS, HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';
import { formatDurationSeconds, sendInternalError } from '../internal-response.js';
import type { Executor, ExecutorDeps, InvokeContext } from './executor.js';
import { UpstreamProcess, type UpstreamProcessOptions } from './upstream-process.js';

export interface HttpExecutorOptions extends Omit<UpstreamProcessOptions, 'host' | 'port'> {
  readonly upstreamUrl: URL;
}

/**
 * Idle sockets are kept for reuse (the whole point of the long-lived process) and picked LIFO so a burst reuses the
 * warmest connections while surplus ones age out. maxSockets bounds fan-out towards a single-threaded upstream; 128
 * was measured to leave wrk -c32 (and the gateway's bursts) unqueued without piling connections on the function.
 */
function createUpstreamAgent(): Agent {
  return new Agent({ keepAlive: true, keepAliveMsecs: 10_000, maxSockets: 128, maxFreeSockets: 128, scheduling: 'lifo' });
}

export class HttpExecutor implements Executor {
  private readonly agent = createUpstreamAgent();
  private readonly process: UpstreamProcess;
  private readonly host: string;
  private readonly port: number;
  private readonly basePath: string;

  constructor(
    options: HttpExecutorOptions,
    private readonly deps: ExecutorDeps,
  ) {
    const url = options.upstreamUrl;
    this.host = url.hostname.replace(/^\[|\]$/g, '');
    this.port = url.port === '' ? 80 : Number(url.port);
    this.basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    this.process = new UpstreamProcess({ ...options, host: this.host, port: this.port }, deps.log, deps.onFatal);
  }

  start(): Promise<void> {
    return this.process.start();
  }

  async stop(signal?: NodeJS.Signals): Promise<void> {
    await this.process.stop(signal);
    this.agent.destroy();
  }

  invoke(req: IncomingMessage, res: ServerResponse, ctx: InvokeContext): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const upstream = request({
        agent: this.agent,
        host: this.host,
        port: this.port,
        method: req.method,
        path: this.basePath + (req.url ?? '/'),
        headers: withoutHopByHop(req.rawHeaders),
      });
      upstream.once('response', (upRes) => {
        const headers = withoutHopByHop(upRes.rawHeaders);
        headers.push(HEADERS.durationSeconds, formatDurationSeconds(ctx.startedAt, performance.now()));
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
        upRes.once('end', done);
        upRes.once('error', () => {
          res.destroy();
          done();
        });
      });
      upstream.once('error', (err) => {
        if (res.writableEnded || res.destroyed) return done();
        this.deps.log.error('upstream request failed', { err });
        sendInternalError(res, 500, '', formatDurationSeconds(ctx.startedAt, performance.now()));
        done();
      });
      if (ctx.timeoutMs > 0) {
        // A total deadline, not socket inactivity: a function trickling bytes must still stop at exec_timeout.
        timer = setTimeout(() => {
          this.deps.log.warn('upstream exceeded exec_timeout', { timeoutMs: ctx.timeoutMs });
          sendInternalError(res, 504, '', formatDurationSeconds(ctx.startedAt, performance.now()));
          upstream.destroy();
          done();
        }, ctx.timeoutMs);
      }
      // Client gone before the answer: release the upstream socket instead of reading a response nobody wants.
      res.once('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    });
  }
}

/*
 * Header filtering on node's flat rawHeaders arrays ([name, value, name, value, ...]): keeps the client's spelling and
 * order and skips building a header object per request; http.request and writeHead both accept the flat form.
 */
/** Removes hop-by-hop headers; returns the input itself when there is nothing to remove (the common case). */
export function withoutHopByHop(rawHeaders: readonly string[]): string[] {
  let kept: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      kept ??= rawHeaders.slice(0, i);
    } else if (kept !== undefined) {
      kept.push(name, rawHeaders[i + 1] as string);
    }
  }
  return kept ?? (rawHeaders as string[]);
}
