/**
 * Splits an invocation URL `/function/<name>[.<namespace>][/<path>][?<query>]` into the name segment and the
 * path the replica sees (`/<path>?<query>`, as faas-provider's proxy forwards it). Hot path: string slicing only.
 */

export const FUNCTION_PREFIX = '/function/';

export interface InvocationTarget {
  /** The name segment as written: `echo` or `echo.staging`. */
  readonly rawName: string;
  /** What the replica receives: always starts with `/`, query string kept verbatim. */
  readonly upstreamPath: string;
}

/** Returns undefined when the URL does not name a function (`/function/`, `/function//x`). */
export function parseInvocationPath(url: string): InvocationTarget | undefined {
  const start = FUNCTION_PREFIX.length;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */) break;
    end++;
  }
  if (end === start) return undefined;
  const rawName = url.slice(start, end);
  if (end === url.length) return { rawName, upstreamPath: '/' };
  // `/function/echo?x=1` → `/?x=1`; `/function/echo/a?x=1` → `/a?x=1`.
  const upstreamPath = url.charCodeAt(end) === 63 ? `/${url.slice(end)}` : url.slice(end);
  return { rawName, upstreamPath };
}
