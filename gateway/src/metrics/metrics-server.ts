/**
 * The small internal HTTP server on metrics_port (OpenFaaS :8082): `GET /metrics` from the gateway's own
 * Registry and `GET /healthz`. Kept off the main port so metrics are reachable only where the operator
 * exposes that port.
 */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { FuntainerError } from '@funtainer/core/errors';
import { BasicAuth, type Credentials } from '../auth/basic-auth.js';
import type { GatewayConfig } from '../config.js';

/**
 * The credentials `/metrics` needs: metrics_basic_auth_user/_password, else with metrics_basic_auth=true the
 * gateway's own (as Alertmanager already holds them under docker-compose), else none.
 */
export function metricsCredentials(config: GatewayConfig, gatewayCredentials: Credentials | undefined): Credentials | undefined {
  if (config.metricsBasicAuthUser !== undefined && config.metricsBasicAuthPassword !== undefined) {
    return { user: config.metricsBasicAuthUser, password: config.metricsBasicAuthPassword };
  }
  if (!config.metricsBasicAuth) return undefined;
  if (gatewayCredentials === undefined) {
    throw new FuntainerError('FUNTAINER_ERR_CONFIG_INVALID', 'metrics_basic_auth=true needs basic_auth on (its credentials) or metrics_basic_auth_user/_password');
  }
  return gatewayCredentials;
}

/** With `credentials`, `/metrics` needs them (metrics name every function, private ones too); `/healthz` never. */
export function createMetricsServer(registry: Registry, credentials?: Credentials): Server {
  const auth = new BasicAuth(credentials);
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/healthz') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (!auth.verify(req.headers.authorization)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="metrics"', 'content-type': 'text/plain' }).end('unauthorized\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${String(error)}\n`),
    );
  });
}
