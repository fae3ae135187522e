/**
 * The HTTP layer under GatewayClient: joins paths onto the base URL, adds credentials and a deadline to every
 * request, and turns failures into GatewayErrors. Uses Node's global fetch so core gains no dependency.
 */
import { Readable } from 'node:stream';
import { errorFromNetwork, errorFromResponse, type RequestDescription } from './api-client-errors.js';

export interface BasicAuth {
  readonly user: string;
  readonly password: string;
}

/** What fetch accepts as a body (no DOM lib here, so derive it from RequestInit). */
type FetchBody = NonNullable<RequestInit['body']>;

export type RequestBody = Buffer | Uint8Array | string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

export interface TransportRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | URLSearchParams;
  /** Serialised as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  readonly body?: RequestBody;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout; 0 means no deadline (follow-mode log streams). */
  readonly timeoutMs?: number;
  /** Statuses the caller handles itself instead of getting a GatewayError; 'any' for function invocations. */
  readonly acceptStatuses?: readonly number[] | 'any';
}

function buildUrl(baseUrl: string, path: string, query: TransportRequest['query']): URL {
  const url = new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const params = query instanceof URLSearchParams ? query : undefined;
  if (params) {
    for (const [key, value] of params) url.searchParams.append(key, value);
  } else if (query) {
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
  }
  return url;
}

function toFetchBody(body: RequestBody): FetchBody {
  if (typeof body === 'string' || body instanceof Uint8Array) return body as FetchBody;
  if (body instanceof Readable) return Readable.toWeb(body) as unknown as FetchBody;
  return Readable.toWeb(Readable.from(body as AsyncIterable<Uint8Array>)) as unknown as FetchBody;
}

export class GatewayTransport {
  constructor(
    readonly baseUrl: string,
    private readonly auth: BasicAuth | undefined,
    private readonly timeoutMs: number,
  ) {}

  private authorization(): string | undefined {
    if (!this.auth) return undefined;
    return `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`;
  }

  /** Sends the request; resolves with the response for 2xx and accepted statuses, else throws GatewayError. */
  async send(req: TransportRequest, withAuth = true): Promise<Response> {
    const description: RequestDescription = { baseUrl: this.baseUrl, method: req.method, path: req.path };
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const signals = [req.signal, timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const headers: Record<string, string> = { 'user-agent': 'funtainer-cli', ...req.headers };
    const authorization = withAuth ? this.authorization() : undefined;
    if (authorization) headers.authorization = authorization;
    let body: FetchBody | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.body !== undefined) {
      body = toFetchBody(req.body);
    }
    const init: RequestInit & { duplex?: 'half' } = {
      method: req.method,
      headers,
      body,
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      redirect: 'manual',
    };
    // Streaming request bodies must be sent half-duplex with Node's fetch.
    if (body !== undefined && typeof body === 'object' && !(body instanceof Uint8Array)) init.duplex = 'half';
    let response: Response;
    try {
      response = await fetch(buildUrl(this.baseUrl, req.path, req.query), init);
    } catch (err) {
      throw errorFromNetwork(description, err, timeoutMs);
    }
    const accepted = req.acceptStatuses === 'any' || req.acceptStatuses?.includes(response.status);
    if (response.ok || accepted) return response;
    const text = await response.text().catch(() => '');
    throw errorFromResponse(description, response.status, text);
  }

  /** Sends the request and parses a JSON answer (empty body → undefined). */
  async json<T>(req: TransportRequest): Promise<T> {
    const response = await this.send(req);
    const text = await response.text();
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw errorFromResponse({ baseUrl: this.baseUrl, method: req.method, path: req.path }, 502, `the gateway answered invalid JSON: ${String(err)}`);
    }
  }

  /** Sends the request and discards the body. */
  async discard(req: TransportRequest): Promise<number> {
    const response = await this.send(req);
    await response.body?.cancel();
    return response.status;
  }
}
