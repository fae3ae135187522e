// The paths bench/openfaas.mjs compares: for each, how to start Funtainer's side and OpenFaaS's side doing the same
// work. Each starter resolves with { url, groups (process groups whose CPU is counted), stop }.
// OpenFaaS's binaries take fixed ports on every interface (gateway 8080 and 8082, watchdogs' metrics 8081), so
// openfaas.mjs runs in a private network namespace with only loopback, and one OpenFaaS side runs at a time.
import { join } from 'node:path';
import { start, startWithPort, stop, templateNodeFlags, waitForStatus } from './openfaas-lib.mjs';

export function makeTargets({ repo, benchDir, bin }) {
  const nodeFlags = templateNodeFlags(repo);
  const watchdogBundle = join(repo, 'watchdog', 'dist', 'watchdog.cjs');
  const forkHelper = join(repo, 'watchdog', 'dist', 'fork-helper');
  const bareServer = join(benchDir, 'watchdog-bare-server.mjs');
  const upstreamServer = join(benchDir, 'openfaas-upstream.mjs');
  let nextPort = 20_000 + Math.floor(Math.random() * 20_000);
  const ports = () => nextPort++;
  const node = process.execPath;

  async function ourWatchdog(env) {
    const port = ports();
    const child = start(node, [...nodeFlags, watchdogBundle], { port: String(port), metrics_port: String(ports()), healthcheck_interval: '0', ...env });
    await waitForStatus(`http://127.0.0.1:${port}/_/ready`, child);
    return { child, url: `http://127.0.0.1:${port}/` };
  }
  async function ofWatchdog(file, env, port = ports()) {
    const child = start(join(bin, file), [], { port: String(port), healthcheck_interval: '0', ...env });
    await waitForStatus(`http://127.0.0.1:${port}/_/health`, child);
    return { child, url: `http://127.0.0.1:${port}/` };
  }
  const httpMode = (server) => {
    const upstreamPort = ports();
    return { mode: 'http', fprocess: `${node} ${server} ${upstreamPort}`, upstream_url: `http://127.0.0.1:${upstreamPort}` };
  };
  async function ourGateway(upstreamUrl) {
    const { child, port } = await startWithPort(node, [join(benchDir, 'gateway-memory-server.mjs')], { UPSTREAM_URL: upstreamUrl });
    return { child, url: `http://127.0.0.1:${port}/function/echo` };
  }
  // OpenFaaS CE's gateway sends /function/<name> to functions_provider_url unchanged: the provider is the hop to
  // the function, and here the function answers the provider's routes itself (openfaas-upstream.mjs). Its other
  // outbound addresses (Prometheus, logs provider) point at loopback too; the bench's requests use neither.
  async function ofGateway(providerUrl) {
    const env = { functions_provider_url: providerUrl, logs_provider_url: providerUrl, faas_prometheus_host: '127.0.0.1', faas_prometheus_port: '9', basic_auth: 'false', scale_from_zero: 'false' };
    const child = start(join(bin, 'gateway'), [], env);
    await waitForStatus('http://127.0.0.1:8080/healthz', child);
    return { child, url: 'http://127.0.0.1:8080/function/echo' };
  }
  const one = (side) => ({ url: side.url, groups: [side.child.pid], stop: () => stop(side.child) });

  return [
    {
      name: 'watchdog http',
      detail: 'watchdog mode=http → watchdog-bare-server.mjs (Funtainer watchdog vs of-watchdog)',
      needs: ['of-watchdog'],
      ours: async () => one(await ourWatchdog(httpMode(bareServer))),
      theirs: async () => one(await ofWatchdog('of-watchdog', httpMode(bareServer))),
    },
    {
      name: 'fork cat',
      detail: 'a process per request, body → cat → response (serializing mode + fork helper vs classic fwatchdog)',
      needs: ['fwatchdog'],
      ours: async () => one(await ourWatchdog({ mode: 'serializing', fprocess: 'cat', fork_helper: forkHelper })),
      theirs: async () => one(await ofWatchdog('fwatchdog', { fprocess: 'cat' })),
    },
    {
      name: 'gateway → function',
      detail: 'gateway → one openfaas-upstream.mjs process shared by both sides (its CPU not counted)',
      needs: ['gateway'],
      setup: async () => startWithPort(node, [upstreamServer]),
      teardown: async (upstream) => stop(upstream.child),
      ours: async (upstream) => one(await ourGateway(`http://127.0.0.1:${upstream.port}`)),
      theirs: async (upstream) => one(await ofGateway(`http://127.0.0.1:${upstream.port}/`)),
    },
    {
      name: 'gateway → watchdog → fn',
      detail: 'gateway → watchdog mode=http → openfaas-upstream.mjs, each platform its own watchdog (all CPU counted)',
      needs: ['gateway', 'of-watchdog'],
      ours: async () => both(await ourWatchdog(httpMode(upstreamServer)), (wd) => ourGateway(wd.url.slice(0, -1))),
      theirs: async () => both(await ofWatchdog('of-watchdog', httpMode(upstreamServer), 8090), (wd) => ofGateway(wd.url)),
    },
  ];
}

async function both(watchdog, startGateway) {
  const gateway = await startGateway(watchdog).catch(async (err) => {
    await stop(watchdog.child);
    throw err;
  });
  return {
    url: gateway.url,
    groups: [gateway.child.pid, watchdog.child.pid],
    stop: async () => {
      await stop(gateway.child);
      await stop(watchdog.child);
    },
  };
}
