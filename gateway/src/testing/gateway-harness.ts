/**
 * Test scaffolding for gateway tests: a gateway on port 0 backed by the MemoryProvider whose replicas point
 * at real local HTTP servers, plus a tiny raw HTTP client (node:http, so tests control every header,
 * including hop-by-hop ones fetch would refuse). Not a test file itself.
 */
import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import type { FunctionDeploymentInput } from '@funtainer/core/contracts';
import { FunctionDeploymentSchema } from '@funtainer/core/contracts';
import type { QualifiedName } from '@funtainer/core/names';
import { buildGateway, type Gateway, type GatewayDeps } from '../app.js';
import type { Credentials } from '../auth/basic-auth.js';
import { loadConfig, type GatewayConfig } from '../config.js';
import { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';

export const TEST_CREDENTIALS: Credentials = { user: 'admin', password: 'secret-password' };
export const BASIC = `Basic ${Buffer.from(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}`).toString('base64')}`;

export function testConfig(env: Record<string, string> = {}): GatewayConfig {
  return loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'false', service_count_interval: '1h', ...env });
}

export interface Upstream {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startUpstream(handler: RequestListener): Promise<Upstream> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Harness {
  readonly gateway: Gateway;
  readonly provider: MemoryProvider;
  readonly url: string;
  readonly metricsUrl: string;
  close(): Promise<void>;
}

export interface HarnessOptions extends MemoryProviderOptions {
  readonly env?: Record<string, string>;
  readonly credentials?: Credentials;
  readonly deps?: Partial<GatewayDeps>;
}

export async function startGateway(options: HarnessOptions = {}): Promise<Harness> {
  const provider = new MemoryProvider(options);
  await provider.start();
  const config = testConfig(options.env);
  const gateway = await buildGateway({
    provider,
    config,
    registry: new Registry(),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...options.deps,
  });
  const { port, metricsPort } = await gateway.listen();
  return {
    gateway,
    provider,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    async close() {
      await gateway.close();
      await provider.close();
    },
  };
}

export async function deployFunction(provider: MemoryProvider, input: Partial<FunctionDeploymentInput> & { service: string }): Promise<QualifiedName> {
  const spec = FunctionDeploymentSchema.parse({ image: 'test/echo:1', ...input });
  await provider.deploy(spec);
  return { name: spec.service, namespace: spec.namespace ?? 'openfaas-fn' };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string | Buffer;
}

/** One request on a fresh connection; resolves with the whole body. */
export function httpRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...options.headers };
    // node sends DELETE/OPTIONS bodies without framing unless a length is declared.
    if (options.body !== undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(url, { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export function jsonOf(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}
