/** /metrics on the metrics port: OpenFaaS names and labels, plus ours; /healthz there; not on the main port. */
import t from 'tap';
import { BASIC, deployFunction, httpRequest, startGateway, startUpstream, TEST_CREDENTIALS } from '../testing/gateway-harness.js';

t.test('invocation metrics, service count and load gauges', async (t) => {
  const up = await startUpstream((req, res) => res.writeHead(req.url === '/fail' ? 500 : 200).end('x'));
  const h = await startGateway({ endpointUrl: () => up.url });
  t.teardown(async () => {
    await h.close();
    await up.close();
  });
  await deployFunction(h.provider, { service: 'echo', labels: { 'com.openfaas.scale.min': '2' } });
  await httpRequest(`${h.url}/function/echo`);
  await httpRequest(`${h.url}/function/echo.openfaas-fn/fail`);
  await h.gateway.refreshServiceCounts();
  const metrics = await httpRequest(`${h.metricsUrl}/metrics`);
  t.equal(metrics.status, 200);
  const text = metrics.body;
  t.match(text, 'gateway_function_invocation_total{function_name="echo.openfaas-fn",code="200"} 1');
  t.match(text, 'gateway_function_invocation_total{function_name="echo.openfaas-fn",code="500"} 1');
  t.match(text, /gateway_functions_seconds_bucket\{le="0\.005",function_name="echo\.openfaas-fn",code="200"\}/);
  t.match(text, 'gateway_function_invocation_started{function_name="echo.openfaas-fn"} 2');
  t.match(text, 'gateway_service_count{function_name="echo.openfaas-fn"} 2');
  t.match(text, 'gateway_function_inflight{function_name="echo.openfaas-fn"} 0');
  t.match(text, 'gateway_function_queue_depth{function_name="echo.openfaas-fn"} 0');
  t.notMatch(text, /nodejs_|process_cpu/, 'no default-registry metrics');
  t.equal((await httpRequest(`${h.metricsUrl}/healthz`)).status, 200);
  t.equal((await httpRequest(`${h.url}/metrics`)).status, 404, '/metrics is not on the main port');
});

t.test('metrics_basic_auth_*: /metrics needs the metrics credentials, /healthz does not', async (t) => {
  const h = await startGateway({ env: { metrics_basic_auth_user: 'prom', metrics_basic_auth_password: 'scrape-secret' } });
  t.teardown(() => h.close());
  const anonymous = await httpRequest(`${h.metricsUrl}/metrics`);
  t.equal(anonymous.status, 401, 'no credentials: 401');
  t.notMatch(anonymous.body, /gateway_/, 'and no metric names');
  const wrong = `Basic ${Buffer.from('prom:wrong').toString('base64')}`;
  t.equal((await httpRequest(`${h.metricsUrl}/metrics`, { headers: { authorization: wrong } })).status, 401, 'wrong password: 401');
  const right = `Basic ${Buffer.from('prom:scrape-secret').toString('base64')}`;
  const scraped = await httpRequest(`${h.metricsUrl}/metrics`, { headers: { authorization: right } });
  t.equal(scraped.status, 200, 'the metrics credentials: 200');
  t.match(scraped.body, /gateway_/);
  t.equal((await httpRequest(`${h.metricsUrl}/healthz`)).status, 200, '/healthz stays open for probes');
});

t.test('metrics_basic_auth=true: /metrics needs the gateway credentials; without any credentials it is a config error', async (t) => {
  const h = await startGateway({ env: { basic_auth: 'true', metrics_basic_auth: 'true' }, credentials: TEST_CREDENTIALS });
  t.teardown(() => h.close());
  t.equal((await httpRequest(`${h.metricsUrl}/metrics`)).status, 401, 'anonymous: 401');
  t.equal((await httpRequest(`${h.metricsUrl}/metrics`, { headers: { authorization: BASIC } })).status, 200, 'the gateway credentials: 200');
  await t.rejects(startGateway({ env: { basic_auth: 'false', metrics_basic_auth: 'true' } }), { code: 'FUNTAINER_ERR_CONFIG_INVALID' });
});
