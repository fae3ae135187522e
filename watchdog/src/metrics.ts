/**
 * The three of-watchdog metrics (docs/openfaas-compat.md §5.3), kept by hand and rendered as Prometheus text.
 *
 * No prom-client: the watchdog has zero runtime packages, and recording must cost almost nothing on the module-mode
 * hot path. A series is found with two Map lookups (method, then status code) and updated in place; no strings are
 * built per request. Rendering happens only when /metrics is scraped, on its own listener (port 8081) so scrapes
 * never compete with max_inflight and the endpoint need not be exposed with the function.
 */
import { createServer, type Server } from 'node:http';

/** Prometheus client default buckets, in seconds. */
export const DEFAULT_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]);

class RequestSeries {
  count = 0;
  sumSeconds = 0;
  /** Non-cumulative counts per bucket; the last slot is +Inf. Made cumulative at render time. */
  readonly bucketCounts: Float64Array;

  constructor(bucketCount: number) {
    this.bucketCounts = new Float64Array(bucketCount + 1);
  }
}

export class WatchdogMetrics {
  /** Gauge, also the number the max_inflight limiter reads. */
  inFlight = 0;
  private readonly byMethod = new Map<string, Map<number, RequestSeries>>();

  constructor(private readonly buckets: readonly number[] = DEFAULT_BUCKETS_SECONDS) {}

  /** Records one finished function request. */
  observe(method: string, code: number, seconds: number): void {
    let byCode = this.byMethod.get(method);
    if (byCode === undefined) {
      byCode = new Map();
      this.byMethod.set(method, byCode);
    }
    let series = byCode.get(code);
    if (series === undefined) {
      series = new RequestSeries(this.buckets.length);
      byCode.set(code, series);
    }
    series.count++;
    series.sumSeconds += seconds;
    const { buckets } = this;
    let index = 0;
    while (index < buckets.length && seconds > (buckets[index] as number)) index++;
    series.bucketCounts[index] = (series.bucketCounts[index] as number) + 1;
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const total: string[] = [
      '# HELP http_requests_total total HTTP requests processed',
      '# TYPE http_requests_total counter',
    ];
    const duration: string[] = [
      '# HELP http_request_duration_seconds Seconds spent serving HTTP requests.',
      '# TYPE http_request_duration_seconds histogram',
    ];
    for (const [method, byCode] of this.byMethod) {
      for (const [code, series] of byCode) {
        const labels = `code="${code}",method="${escapeLabel(method.toLowerCase())}"`;
        total.push(`http_requests_total{${labels}} ${series.count}`);
        let cumulative = 0;
        for (let i = 0; i < this.buckets.length; i++) {
          cumulative += series.bucketCounts[i] as number;
          duration.push(`http_request_duration_seconds_bucket{${labels},le="${this.buckets[i]}"} ${cumulative}`);
        }
        duration.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${series.count}`);
        duration.push(`http_request_duration_seconds_sum{${labels}} ${series.sumSeconds}`);
        duration.push(`http_request_duration_seconds_count{${labels}} ${series.count}`);
      }
    }
    const inFlight = [
      '# HELP http_requests_in_flight Current number of HTTP requests being served.',
      '# TYPE http_requests_in_flight gauge',
      `http_requests_in_flight ${this.inFlight}`,
    ];
    return `${[...duration, ...inFlight, ...total].join('\n')}\n`;
  }
}

/** Methods come from clients; keep the exposition parseable whatever they send. */
function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

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
