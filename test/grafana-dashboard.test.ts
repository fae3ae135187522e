/**
 * deploy/grafana/funtainer-gateway.json against a real Prometheus: a real gateway (buildGateway + MemoryProvider,
 * replicas on a local server) takes traffic with 200s and 500s, Prometheus scrapes its metrics port every second,
 * and every panel query of the dashboard (and its function variable) must run without error and return data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import t from 'tap';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import { buildGateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { MemoryProvider } from '@funtainer/gateway/testing/memory-provider';
import { REPO_ROOT } from './helpers/docker.js';
import { prometheusUnavailableReason, startPrometheus } from './helpers/prometheus.js';

interface Panel { title: string; targets?: { expr: string }[] }
interface Dashboard { panels: Panel[]; templating: { list: { name: string; definition?: string }[] } }

const DASHBOARD = join(REPO_ROOT, 'deploy', 'grafana', 'funtainer-gateway.json');
const FUNCTIONS = ['dash-a', 'dash-b'];

/** Grafana's variables as a user with "All" selected would send them. */
const asSentByGrafana = (expr: string): string => expr.replaceAll('$function', '.+');

async function query(prometheus: string, expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}

const skip = prometheusUnavailableReason();
t.test('every panel query of the Grafana dashboard returns data from a real Prometheus scraping a real gateway', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
  t.ok(exprs.length >= 10, `${exprs.length} panel queries`);
  for (const name of ['gateway_function_invocation_total', 'gateway_functions_seconds', 'gateway_service_count']) {
    t.ok(exprs.some(({ expr }) => expr.includes(name)), `a panel uses ${name}`);
  }

  // replicas: 500 for a body "fail", else echo after a short delay so durations are not all zero
  const replica = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      setTimeout(() => {
        res.statusCode = body === 'fail' ? 500 : 200;
        res.end(body);
      }, 5);
    });
  });
  await new Promise<void>((resolve) => replica.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { replica.closeAllConnections(); replica.close(() => resolve()); }));
  const provider = new MemoryProvider({ endpointUrl: () => `http://127.0.0.1:${(replica.address() as AddressInfo).port}` });
  for (const service of FUNCTIONS) await provider.deploy(FunctionDeploymentSchema.parse({ service, image: 'test/echo:latest' }));
  const stateDir = mkdtempSync(join(tmpdir(), 'funtainer-grafana-'));
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  const config = loadConfig({
    port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', state_dir: stateDir, service_count_interval: '1s',
  });
  const gateway = await buildGateway({ provider, config, registry: new Registry() });
  await provider.start();
  const { port, metricsPort } = await gateway.listen();
  t.teardown(async () => {
    await gateway.close();
    await provider.close();
  });

  const prometheus = await startPrometheus({ targets: [`127.0.0.1:${metricsPort}`], scrapeIntervalS: 1 });
  t.teardown(() => prometheus.stop());

  let sent = 0;
  const traffic = setInterval(() => {
    for (const [index, name] of FUNCTIONS.entries()) {
      const body = sent % 5 === index ? 'fail' : 'ok';
      sent++;
      void fetch(`http://127.0.0.1:${port}/function/${name}`, { method: 'POST', body, signal: AbortSignal.timeout(5_000) })
        .then((res) => res.arrayBuffer()).catch(() => undefined);
    }
  }, 100);
  t.teardown(() => clearInterval(traffic));

  const deadline = Date.now() + 60_000;
  let pending = exprs;
  const failures = new Map<string, string>();
  while (pending.length > 0 && Date.now() < deadline) {
    await sleep(1_000);
    const still: typeof exprs = [];
    for (const item of pending) {
      const answer = await query(prometheus.url, asSentByGrafana(item.expr));
      if (answer.status !== 'success') failures.set(item.panel, `${item.expr}: ${answer.error ?? answer.status}`);
      else if ((answer.data?.result.length ?? 0) === 0) still.push(item);
    }
    pending = still;
  }
  t.same([...failures.values()], [], 'no query is rejected by Prometheus');
  t.same(pending.map((item) => `${item.panel}: ${item.expr}`), [], 'every query returns data once traffic flowed');

  const variable = dashboard.templating.list.find((v) => v.name === 'function');
  const match = /^label_values\((.+), (\w+)\)$/.exec(variable?.definition ?? '');
  t.ok(match, `the function variable is label_values(metric, label): ${variable?.definition}`);
  const labels = await fetch(`${prometheus.url}/api/v1/label/${match?.[2]}/values?match[]=${encodeURIComponent(match?.[1] ?? '')}`).then((r) => r.json()) as { data: string[] };
  t.same(labels.data.filter((v) => v.startsWith('dash-')).sort(), FUNCTIONS.map((f) => `${f}.openfaas-fn`), 'the function variable lists the deployed functions');
});
