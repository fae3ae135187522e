/**
 * The `event` handed to module-mode handlers: `{ body, headers, method, query, path }` as OpenFaaS's node templates
 * build it with Express body parsers.
 *
 * Body rules: RAW_BODY=true → Buffer; empty body → `{}` (what Express leaves); application/json (and +json) →
 * parsed, invalid JSON → 400; text/* → string; urlencoded forms → object (repeated keys become arrays, no nested
 * `a[b]` syntax); any other type → Buffer (Express would leave `{}`, which loses the data).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { WatchdogError, WATCHDOG_ERROR_CODES } from '../errors.js';

export type QueryValues = Record<string, string | string[]>;

export class FunctionEvent {
  constructor(
    readonly body: unknown,
    readonly headers: IncomingHttpHeaders,
    readonly method: string,
    readonly query: QueryValues,
    readonly path: string,
  ) {}
}

export function buildEvent(req: IncomingMessage, body: Buffer, rawBody: boolean): FunctionEvent {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? {} : parseParams(url.slice(queryStart + 1));
  return new FunctionEvent(parseBody(req.headers['content-type'], body, rawBody), req.headers, req.method ?? 'GET', query, path);
}

export function parseBody(contentType: string | undefined, body: Buffer, rawBody: boolean): unknown {
  if (rawBody) return body;
  if (body.length === 0) return {};
  const type = mediaType(contentType);
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch (cause) {
      throw new WatchdogError(WATCHDOG_ERROR_CODES.bodyInvalid, 'request body is not valid JSON', { cause });
    }
  }
  if (type.startsWith('text/')) return body.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return parseParams(body.toString('utf8'));
  return body;
}

/** `Text/Plain; charset=utf-8` → `text/plain`. */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** Query strings and form bodies into a plain object; repeated keys collect into arrays (as Express' qs does). */
export function parseParams(raw: string): QueryValues {
  const out: QueryValues = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // Assigning "__proto__" would swap the object's prototype instead of adding a field.
    if (key === '__proto__') continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}
