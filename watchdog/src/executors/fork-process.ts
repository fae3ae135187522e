/**
 * What both fork launchers need about the function process: its options, command resolution and the CGI
 * environment. Starting and bounding the process is fork-launcher.ts.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { ChildLogOptions } from '../child-logs.js';
import type { EnvMap } from '../config.js';

export interface ForkOptions {
  readonly argv: readonly string[];
  readonly baseEnv: EnvMap;
  readonly childLog: ChildLogOptions;
}

/** Copy of `options` whose argv[0] is an absolute path when PATH has it. */
export function withResolvedCommand<T extends ForkOptions>(options: T): T {
  const [command, ...args] = options.argv;
  if (command === undefined) return options;
  return { ...options, argv: [resolveExecutable(command, options.baseEnv.PATH), ...args] };
}

/**
 * Finds `command` on PATH once, at start. Left to spawn, every fork would try each PATH entry with execve in the
 * child (measured: 9 failed execve calls per request with a typical PATH). Unresolvable commands are returned as-is
 * so the per-request spawn reports the usual ENOENT.
 */
export function resolveExecutable(command: string, pathEnv: string | undefined): string {
  if (command.includes('/') || pathEnv === undefined) return command;
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return command;
}

/**
 * CGI-style environment (docs/openfaas-compat.md §2): every request header `a-b` becomes `Http_A_B` (Go canonical
 * capitalisation, first value), plus Http_Method, Http_Path and Http_Query when there is a query. So the call id
 * reaches a shell function as $Http_X_Call_Id.
 */
export function buildCgiEnv(baseEnv: EnvMap, req: IncomingMessage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(baseEnv)) {
    const value = baseEnv[key];
    if (value !== undefined) env[key] = value;
  }
  return Object.assign(env, cgiVariables(req));
}

/** Only the per-request Http_* variables (the fork helper already holds the base environment). */
export function cgiVariables(req: IncomingMessage): Record<string, string> {
  const env: Record<string, string> = {};
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
