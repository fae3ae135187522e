/** Request and response shapes of the GatewayClient that are not already wire contracts in contracts.ts. */
import type { RequestBody } from './api-client-transport.js';

export interface GatewayClientOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Basic-auth credentials for /system/*; invocations never send them (as faas-cli). */
  auth?: { user: string; password: string } | undefined;
  /** Deadline for each request. @defaultValue 60000 (faas-cli's API timeout) */
  timeoutMs?: number;
}

/** GET /system/info. `health` is a Funtainer extension: per-dependency checks, absent on OpenFaaS. */
export interface GatewayInfo {
  provider?: { provider?: string; orchestration?: string; version?: { release?: string; sha?: string } } | null;
  version?: { release?: string; sha?: string; commit_message?: string };
  arch?: string;
  health?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface InvokeOptions {
  /** Queue the call (`/async-function/<name>`, 202 + X-Call-Id). @defaultValue false */
  async?: boolean;
  /** @defaultValue POST */
  method?: string;
  headers?: Record<string, string>;
  query?: Record<string, string> | URLSearchParams;
  body?: RequestBody;
  /** `name.namespace` is sent when set, as faas-cli does with -n. */
  namespace?: string;
  signal?: AbortSignal;
  /** Overrides the client timeout for this call; 0 = none. */
  timeoutMs?: number;
}

export interface InvokeResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface InvokeStreamResult {
  status: number;
  headers: Record<string, string>;
  /** The response body as it arrives; read it to the end or cancel it. */
  body: AsyncIterable<Uint8Array>;
}

/** GET /system/async/<callId>: shape owned by the gateway; `status` is the one field every version sends. */
export interface AsyncCallStatus {
  callId?: string;
  status?: string;
  [extra: string]: unknown;
}
