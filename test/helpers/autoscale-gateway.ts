/**
 * The gateway as main.ts composes it for autoscaling, in process: the real Docker provider (scoped to a test
 * run), createAutoscaling (loop, waker, Alertmanager route) with short windows, and, when the binary exists, a
 * real Prometheus scraping the gateway's metrics port every second as the autoscaler's metrics source.
 * Without Prometheus the local source is used and `source` says so.
 */
import { Registry } from 'prom-client';
import { buildGateway, type Gateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { alertRoutes } from '@funtainer/gateway/autoscaler/alert-routes';
import { createAutoscaling, type Autoscaling } from '@funtainer/gateway/autoscaler/autoscaling';
import { loadAutoscalingConfig } from '@funtainer/gateway/autoscaler/autoscaling-config';
import type { DockerProvider } from '@funtainer/gateway/provider/docker/docker-provider';
import type { DockerProviderFixture } from './docker-provider-fixture.js';
import { prometheusUnavailableReason, startPrometheus, type TestPrometheus } from './prometheus.js';
import { freePort } from './redis.js';

/** Short windows so a whole scale-up / scale-down / pause / remove cycle fits in tens of seconds. */
export const FAST_AUTOSCALING_ENV: Readonly<Record<string, string>> = {
  autoscaler_interval: '500ms',
  autoscaler_stable_window: '10s',
  autoscaler_panic_window: '3s',
  autoscaler_scale_down_delay: '3s',
  zero_remove_after: '5s',
  autoscaler_lease_ttl: '2s',
};

export interface AutoscaleGateway {
  readonly url: string;
  readonly provider: DockerProvider;
  readonly scaling: Autoscaling;
  readonly registry: Registry;
  readonly source: 'prometheus' | 'local';
  readonly prometheus: TestPrometheus | undefined;
  close(): Promise<void>;
}

export async function startAutoscaleGateway(fixture: DockerProviderFixture, env: Record<string, string> = {}): Promise<AutoscaleGateway> {
  let gateway: Gateway | undefined;
  const provider = await fixture.makeProvider({ inFlight: (id) => gateway?.inFlight(id) ?? 0 });
  await provider.start();
  // Prometheus needs the metrics port before the gateway listens, and the autoscaler needs Prometheus' URL.
  const metricsPort = await freePort();
  const prometheus = prometheusUnavailableReason() ? undefined : await startPrometheus({ targets: [`127.0.0.1:${metricsPort}`], scrapeIntervalS: 1 });
  const registry = new Registry();
  const scaling = createAutoscaling({
    config: loadAutoscalingConfig({ ...FAST_AUTOSCALING_ENV, ...(prometheus ? { prometheus_url: prometheus.url } : {}), ...env }),
    provider,
    registry,
  });
  const config = loadConfig({
    port: '0', metrics_port: String(metricsPort), bind_address: '127.0.0.1', basic_auth: 'false',
    ready_timeout: '30s', upstream_timeout: '20s', write_timeout: '25s', state_dir: '/tmp/funtainer-autoscale-test',
  });
  gateway = await buildGateway({
    provider, config, registry,
    wakeFunction: (fn) => scaling.waker.wake(fn),
    describeScaling: (fn) => scaling.autoscaler.state(fn),
    manualScale: scaling.manualScale,
    systemRoutes: [async (app) => app.register(alertRoutes, scaling.alertRoutesOptions)],
  });
  const { port } = await gateway.listen();
  scaling.start();
  const running = gateway;
  return {
    url: `http://127.0.0.1:${port}`,
    provider,
    scaling,
    registry,
    source: prometheus ? 'prometheus' : 'local',
    prometheus,
    async close() {
      await scaling.close();
      await running.close();
      await provider.close();
      await prometheus?.stop();
    },
  };
}
