/**
 * Turns a module handler's outcome into the HTTP response, following OpenFaaS's node templates: objects and arrays
 * as JSON, strings as text, Buffers raw, nothing as an empty body; headers set with context.headers() win over
 * our default Content-Type.
 */
import type { ServerResponse } from 'node:http';
import type { FunctionContext, HeaderValues } from './module-context.js';

const EMPTY = Buffer.alloc(0);

export function sendHandlerValue(res: ServerResponse, context: FunctionContext, value: unknown): void {
  let body: string | Uint8Array;
  let contentType: string | undefined;
  if (value === undefined || value === null) {
    body = EMPTY;
  } else if (typeof value === 'string') {
    body = value;
    contentType = 'text/plain; charset=utf-8';
  } else if (value instanceof Uint8Array) {
    body = value;
    contentType = 'application/octet-stream';
  } else if (typeof value === 'object') {
    body = JSON.stringify(value);
    contentType = 'application/json';
  } else {
    body = String(value);
    contentType = 'text/plain; charset=utf-8';
  }
  writeResponse(res, context.statusCode, context.headerValues, contentType, body);
}

/** context.fail(x): the caller sees x as text (an Error as its toString(), like the templates). */
export function sendHandlerFailure(res: ServerResponse, context: FunctionContext, error: unknown): void {
  const body = error === undefined || error === null ? '' : String(error);
  writeResponse(res, context.statusCode, context.headerValues, 'text/plain; charset=utf-8', body);
}

function writeResponse(
  res: ServerResponse,
  status: number,
  userHeaders: HeaderValues,
  contentType: string | undefined,
  body: string | Uint8Array,
): void {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  let headers: HeaderValues;
  if (isEmpty(userHeaders)) {
    // The common case: one literal object, no copying.
    headers =
      contentType === undefined
        ? { 'content-length': length }
        : { 'content-type': contentType, 'content-length': length };
  } else {
    headers = {};
    // We frame the body ourselves; a handler-supplied length could only be wrong.
    for (const name in userHeaders) {
      if (name.toLowerCase() !== 'content-length') headers[name] = userHeaders[name] as string;
    }
    headers['content-length'] = length;
    if (contentType !== undefined && !hasHeader(userHeaders, 'content-type')) headers['content-type'] = contentType;
  }
  res.writeHead(validStatus(status), headers);
  res.end(body);
}

function isEmpty(values: HeaderValues): boolean {
  for (const _ in values) return false;
  return true;
}

function hasHeader(values: HeaderValues, lowerName: string): boolean {
  for (const name in values) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/** A handler passing a string or nonsense status must not crash the response. */
function validStatus(status: unknown): number {
  const n = Number(status);
  return Number.isInteger(n) && n >= 100 && n <= 999 ? n : 500;
}
