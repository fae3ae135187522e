import t from 'tap';
import { WatchdogMetrics } from './metrics.js';

t.test('renders counters, histogram and gauge in Prometheus text format', async (t) => {
  const metrics = new WatchdogMetrics();
  metrics.observe('POST', 200, 0.003);
  metrics.observe('POST', 200, 0.2);
  metrics.observe('GET', 500, 20);
  metrics.inFlight = 2;
  const text = metrics.render();
  t.match(text, /# TYPE http_requests_total counter/);
  t.match(text, /http_requests_total\{code="200",method="post"\} 2\n/);
  t.match(text, /http_requests_total\{code="500",method="get"\} 1\n/);
  t.match(text, /# TYPE http_request_duration_seconds histogram/);
  t.match(text, /http_request_duration_seconds_bucket\{code="200",method="post",le="0.005"\} 1\n/);
  t.match(text, /http_request_duration_seconds_bucket\{code="200",method="post",le="0.25"\} 2\n/);
  t.match(text, /http_request_duration_seconds_bucket\{code="500",method="get",le="10"\} 0\n/);
  t.match(text, /http_request_duration_seconds_bucket\{code="500",method="get",le="\+Inf"\} 1\n/);
  t.match(text, /http_request_duration_seconds_sum\{code="200",method="post"\} 0.203/);
  t.match(text, /http_request_duration_seconds_count\{code="200",method="post"\} 2\n/);
  t.match(text, /http_requests_in_flight 2\n/);
});

t.test('label values are escaped', async (t) => {
  const metrics = new WatchdogMetrics();
  metrics.observe('WEIRD"\\', 200, 0);
  t.match(metrics.render(), /method="weird\\"\\\\"/);
});
