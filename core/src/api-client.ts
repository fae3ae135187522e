/**
 * Typed client for the Funtainer/OpenFaaS gateway API, shared by the CLI, the tests and the queue-worker.
 * Requests mirror faas-cli's wire protocol (docs/openfaas-compat.md §13) so the same calls work against OpenFaaS.
 */
import type { FunctionDeploymentInput, FunctionNamespace, FunctionStatus } from './contracts.js';
import { GatewayError } from './api-client-errors.js';
import { logsQueryParams, parseNdjson, type LogEntry, type LogsQuery } from './api-client-logs.js';
import { GatewayTransport } from './api-client-transport.js';
import type {
  AsyncCallStatus, GatewayClientOptions, GatewayInfo, InvokeOptions, InvokeResult, InvokeStreamResult,
} from './api-client-types.js';

export { GatewayError, isGatewayError } from './api-client-errors.js';
export type { LogEntry, LogsQuery } from './api-client-logs.js';
export type * from './api-client-types.js';

const DEFAULT_TIMEOUT_MS = 60_000;

function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, key) => {
    record[key] = value;
  });
  return record;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {
  // a response without a body (204, HEAD) still reads as an empty stream
}

export class GatewayClient {
  private readonly transport: GatewayTransport;

  constructor(options: GatewayClientOptions) {
    this.transport = new GatewayTransport(options.url.replace(/\/+$/, ''), options.auth, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  get url(): string {
    return this.transport.baseUrl;
  }

  /** Update-or-create, like faas-cli: PUT, and on 404 POST the same body. Returns which one happened. */
  async deploy(spec: FunctionDeploymentInput): Promise<'updated' | 'created'> {
    const response = await this.transport.send({ method: 'PUT', path: '/system/functions', json: spec, acceptStatuses: [404] });
    await response.body?.cancel();
    if (response.status !== 404) return 'updated';
    await this.transport.discard({ method: 'POST', path: '/system/functions', json: spec });
    return 'created';
  }

  async remove(name: string, namespace?: string): Promise<void> {
    await this.transport.discard({ method: 'DELETE', path: '/system/functions', json: { functionName: name, namespace } });
  }

  async list(namespace?: string): Promise<FunctionStatus[]> {
    return (await this.transport.json<FunctionStatus[] | undefined>({ method: 'GET', path: '/system/functions', query: { namespace } })) ?? [];
  }

  /** The function's status, or undefined when the gateway does not know it. */
  async get(name: string, namespace?: string): Promise<FunctionStatus | undefined> {
    const response = await this.transport.send({
      method: 'GET', path: `/system/function/${encodeURIComponent(name)}`, query: { namespace }, acceptStatuses: [404],
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as FunctionStatus;
  }

  async scale(name: string, replicas: number, namespace?: string): Promise<void> {
    await this.transport.discard({
      method: 'POST', path: `/system/scale-function/${encodeURIComponent(name)}`, json: { serviceName: name, replicas, namespace },
    });
  }

  async info(): Promise<GatewayInfo> {
    return (await this.transport.json<GatewayInfo | undefined>({ method: 'GET', path: '/system/info' })) ?? {};
  }

  /** True when GET /healthz answers 2xx; never throws for an unhealthy answer, only for no answer. */
  async health(): Promise<{ ok: boolean; status: number; body: string }> {
    const response = await this.transport.send({ method: 'GET', path: '/healthz', acceptStatuses: 'any' }, false);
    return { ok: response.ok, status: response.status, body: await response.text() };
  }

  async namespaces(): Promise<string[]> {
    return (await this.transport.json<string[] | undefined>({ method: 'GET', path: '/system/namespaces' })) ?? [];
  }

  async getNamespace(name: string): Promise<FunctionNamespace | undefined> {
    const response = await this.transport.send({ method: 'GET', path: `/system/namespace/${encodeURIComponent(name)}`, acceptStatuses: [404] });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as FunctionNamespace;
  }

  /** POST /system/namespace/ (create) or PUT /system/namespace/<name> (replace labels and annotations). */
  async saveNamespace(namespace: FunctionNamespace, mode: 'create' | 'update'): Promise<void> {
    const path = mode === 'create' ? '/system/namespace/' : `/system/namespace/${encodeURIComponent(namespace.name)}`;
    await this.transport.discard({ method: mode === 'create' ? 'POST' : 'PUT', path, json: namespace });
  }

  async removeNamespace(name: string): Promise<void> {
    await this.transport.discard({ method: 'DELETE', path: `/system/namespace/${encodeURIComponent(name)}` });
  }

  async listSecrets(namespace?: string): Promise<{ name: string; namespace?: string }[]> {
    return (await this.transport.json<{ name: string }[] | undefined>({ method: 'GET', path: '/system/secrets', query: { namespace } })) ?? [];
  }

  async createSecret(name: string, value: string | Buffer, namespace?: string): Promise<void> {
    await this.transport.discard({ method: 'POST', path: '/system/secrets', json: secretBody(name, value, namespace) });
  }

  async updateSecret(name: string, value: string | Buffer, namespace?: string): Promise<void> {
    await this.transport.discard({ method: 'PUT', path: '/system/secrets', json: secretBody(name, value, namespace) });
  }

  async removeSecret(name: string, namespace?: string): Promise<void> {
    await this.transport.discard({ method: 'DELETE', path: '/system/secrets', json: { name, namespace } });
  }

  /** Streams log entries; with `follow` it ends only when the signal aborts or the gateway closes the stream. */
  async *logs(name: string, query: LogsQuery = {}): AsyncGenerator<LogEntry> {
    const response = await this.transport.send({
      method: 'GET', path: '/system/logs', query: logsQueryParams(name, query), signal: query.signal,
      timeoutMs: query.follow ? 0 : undefined,
    });
    if (!response.body) return;
    try {
      yield* parseNdjson(response.body, name);
    } catch (err) {
      if (query.signal?.aborted) return;
      throw err;
    }
  }

  /** Invokes the function and buffers the answer. Any HTTP status is returned, not thrown: it is the function's. */
  async invoke(name: string, options: InvokeOptions = {}): Promise<InvokeResult> {
    const response = await this.sendInvocation(name, options);
    return { status: response.status, headers: headersToRecord(response.headers), body: Buffer.from(await response.arrayBuffer()) };
  }

  /** Invokes the function and hands back the body as it streams (text/event-stream, long outputs). */
  async invokeStream(name: string, options: InvokeOptions = {}): Promise<InvokeStreamResult> {
    const response = await this.sendInvocation(name, options);
    return { status: response.status, headers: headersToRecord(response.headers), body: response.body ?? emptyBody() };
  }

  async asyncStatus(callId: string): Promise<AsyncCallStatus | undefined> {
    const response = await this.transport.send({
      method: 'GET', path: `/system/async/${encodeURIComponent(callId)}`, acceptStatuses: [404],
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as AsyncCallStatus;
  }

  private async sendInvocation(name: string, options: InvokeOptions): Promise<Response> {
    const target = options.namespace ? `${name}.${options.namespace}` : name;
    const route = options.async ? 'async-function' : 'function';
    const method = (options.method ?? 'POST').toUpperCase();
    if ((method === 'GET' || method === 'HEAD') && options.body !== undefined) {
      throw new GatewayError(`a ${method} invocation cannot carry a body; use --method POST or drop the body`);
    }
    return this.transport.send(
      {
        method, path: `/${route}/${encodeURIComponent(target)}`, query: options.query, headers: options.headers,
        body: options.body, signal: options.signal, timeoutMs: options.timeoutMs, acceptStatuses: 'any',
      },
      false,
    );
  }
}

function secretBody(name: string, value: string | Buffer, namespace?: string): Record<string, string | undefined> {
  // Binary values travel as base64 `rawValue` (Go []byte); text as `value`, as faas-cli sends it.
  return typeof value === 'string' ? { name, value, namespace } : { name, rawValue: value.toString('base64'), namespace };
}
