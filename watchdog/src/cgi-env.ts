/**
 * CGI-style environment for forked functions (openfaas-compat.md §2): every request header `a-b` becomes `Http_A_B`
 * (Go canonical capitalisation, first value), plus Http_Method, Http_Path and Http_Query when there is a query.
 * So the call id reaches a shell function as $Http_X_Call_Id.
 */
import type { IncomingMessage } from 'node:http';
import type { EnvMap } from './config.js';

export function buildCgiEnv(baseEnv: EnvMap, req: IncomingMessage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(baseEnv)) {
    const value = baseEnv[key];
    if (value !== undefined) env[key] = value;
  }
  const { headers } = req;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) env[`Http_${canonicalEnvName(name)}`] = first;
  }
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  env.Http_Method = req.method ?? 'GET';
  env.Http_Path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (queryStart !== -1 && queryStart < url.length - 1) env.Http_Query = url.slice(queryStart + 1);
  return env;
}

/** `x-call-id` → `X_Call_Id` (Go's CanonicalMIMEHeaderKey, then '-' → '_'). */
export function canonicalEnvName(headerName: string): string {
  return headerName
    .split('-')
    .map((part) => (part === '' ? part : part[0]?.toUpperCase() + part.slice(1).toLowerCase()))
    .join('_');
}
