/**
 * Which headers a proxy passes on, in both directions (RFC 9110 §7.6.1): never the hop-by-hop ones, nor any
 * header the `Connection` field names. The gateway (client → replica) and the watchdog (gateway → function
 * process) both forward through here, so a header dropped by one hop is dropped by the other.
 *
 * Requests work on node's flat `rawHeaders` (`[name, value, …]`): the client's spelling and order are kept and
 * the hot path never materialises `req.headers`; undici and http.request both accept the flat form.
 */
import { HOP_BY_HOP_HEADERS } from '../headers.js';

/**
 * Never sent upstream: the hop-by-hop headers, and `expect` (node's server has already answered
 * 100-continue to the client; undici refuses the header).
 */
const NOT_FORWARDED: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'expect']);

/**
 * A caller's own rules, applied in the same pass: sees each forwardable request header (name lower-cased) and
 * returns false to keep it back. An object rather than a callback so a per-request caller allocates no closure.
 */
export interface RequestHeaderFilter {
  keep(lowerName: string, value: string): boolean;
}

export interface ForwardedRequestHead {
  /** Flat `[name, value, …]` list for the upstream request. */
  readonly headers: string[];
  /** Declared Content-Length, or -1 when absent. */
  readonly contentLength: number;
  /** The client sent `Transfer-Encoding`: a body of unknown length follows. */
  readonly chunked: boolean;
}

export function forwardRequestHeaders(rawHeaders: readonly string[], filter?: RequestHeaderFilter): ForwardedRequestHead {
  const headers: string[] = [];
  let connection: string | undefined;
  let contentLength = -1;
  let chunked = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower)) {
      if (lower === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
      else if (lower === 'transfer-encoding') chunked = true;
      continue;
    }
    if (filter !== undefined && !filter.keep(lower, value)) continue;
    if (lower === 'content-length') contentLength = Number(value);
    headers.push(name, value);
  }
  if (connection !== undefined) dropConnectionListed(headers, connection);
  return { headers, contentLength, chunked };
}

/** Response headers as node and undici present them: lower-case names, repeated ones as arrays. */
export type HeaderRecord = Readonly<Record<string, string | string[] | undefined>>;

/** The upstream's response headers minus hop-by-hop ones and those its `Connection` field names. */
export function forwardResponseHeaders(upstream: HeaderRecord): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  let connection: string | string[] | undefined;
  for (const name in upstream) {
    const value = upstream[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP_HEADERS.has(name)) {
      if (name === 'connection') connection = value;
      continue;
    }
    out[name] = value;
  }
  if (connection !== undefined) {
    // `delete` turns the object into a slow dictionary for node's writeHead: only for a header actually there.
    for (const token of connectionTokens(connection)) if (token in out) delete out[token];
  }
  return out;
}

/** Event streams must reach the client before their first event, not with the first body chunk. */
export function isEventStream(headers: HeaderRecord): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.startsWith('text/event-stream');
}

/** `Connection: close, X-Foo` makes `x-foo` hop-by-hop too. Rare, so this slow path costs the common case nothing. */
function dropConnectionListed(headers: string[], connection: string): void {
  const listed = new Set(connectionTokens(connection));
  if (listed.size === 0) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (listed.has((headers[i] as string).toLowerCase())) headers.splice(i, 2);
  }
}

/**
 * The header names `Connection` lists beyond the hop-by-hop ones (already dropped). The usual value,
 * `keep-alive` or `close`, yields none, so the common case does no further work.
 */
function connectionTokens(value: string | readonly string[]): string[] {
  const joined = typeof value === 'string' ? value : value.join(',');
  if (joined === 'keep-alive' || joined === 'close') return [];
  return joined.split(',').map((t) => t.trim().toLowerCase()).filter((t) => t !== '' && !HOP_BY_HOP_HEADERS.has(t));
}
