/**
 * Watchdog configuration, read from the OpenFaaS of-watchdog environment names so existing OpenFaaS images and
 * templates run unchanged (see docs/openfaas-compat.md §6.1). Parsed once from an injected env map, validated with
 * every problem collected, then frozen. Only this module and main.ts look at environment variables.
 */
import { parseBoolean, parseDurationMs, parseNonNegativeInt } from '@funtainer/core/env-values';
import { ConfigError } from './errors.js';

export const WATCHDOG_MODES = ['streaming', 'serializing', 'http', 'static', 'module'] as const;
export type WatchdogMode = (typeof WATCHDOG_MODES)[number];

export type EnvMap = Readonly<Record<string, string | undefined>>;

export interface WatchdogConfig {
  /** @defaultValue 'streaming' (as of-watchdog's code, not its README) */
  readonly mode: WatchdogMode;
  /** fprocess split on whitespace, no shell. Empty when the mode needs no process. */
  readonly fprocess: readonly string[];
  /** http mode target, e.g. http://127.0.0.1:3000 */
  readonly upstreamUrl: URL | undefined;
  /** module mode: absolute path of the JavaScript handler. */
  readonly handlerPath: string | undefined;
  /** module mode: RAW_BODY=true hands the handler a Buffer instead of a parsed body. */
  readonly rawBody: boolean;
  /** @defaultValue 8080 */
  readonly port: number;
  /** @defaultValue 8081 */
  readonly metricsPort: number;
  /** @defaultValue 30s */
  readonly readTimeoutMs: number;
  /** @defaultValue 30s; 0 is rejected as by of-watchdog */
  readonly writeTimeoutMs: number;
  /** @defaultValue 30s; 0 disables the limit */
  readonly execTimeoutMs: number;
  /** @defaultValue write_timeout */
  readonly healthcheckIntervalMs: number;
  /** @defaultValue 0 (no limit) */
  readonly maxInflight: number;
  /** @defaultValue false */
  readonly suppressLock: boolean;
  /** Forced response content type in streaming/serializing. @defaultValue application/octet-stream */
  readonly contentType: string;
  /** @defaultValue true */
  readonly prefixLogs: boolean;
  /** Longest function log line in bytes; -1 logs chunks as they arrive. @defaultValue 65536 */
  readonly logBufferSize: number;
  /** @defaultValue /home/app/public */
  readonly staticPath: string;
  /** When set, /_/ready asks the function at this path. @defaultValue '' */
  readonly readyPath: string;
  /** Fork modes: 'auto' (the native fork helper beside the watchdog, if there), 'off' (Node spawn), or its path. */
  readonly forkHelper: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_LOG_BUFFER_SIZE = 65_536;

/** Small reader that remembers every problem instead of throwing at the first one. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: EnvMap) {}

  /** Value of the last listed name that is set and non-empty (OpenFaaS: `function_process` wins over `fprocess`). */
  string(...names: string[]): string | undefined {
    let found: string | undefined;
    for (const name of names) {
      const value = this.env[name];
      if (value !== undefined && value.trim() !== '') found = value;
    }
    return found;
  }

  duration(name: string, fallback: number): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const ms = parseDurationMs(raw);
    if (ms === undefined) this.problems.push(`${name}: "${raw}" is not a duration (use 30, 30s, 500ms, 1m30s)`);
    return ms ?? fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = parseBoolean(raw);
    if (value === undefined) this.problems.push(`${name}: "${raw}" is not a boolean (use true/false)`);
    return value ?? fallback;
  }

  int(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = parseNonNegativeInt(raw);
    if (value === undefined || value > max) {
      this.problems.push(`${name}: "${raw}" is not an integer between 0 and ${max}`);
      return fallback;
    }
    return value;
  }
}

function readMode(reader: EnvReader): WatchdogMode {
  const raw = reader.string('mode');
  if (raw === undefined) return 'streaming';
  const mode = raw.trim().toLowerCase();
  if ((WATCHDOG_MODES as readonly string[]).includes(mode)) return mode as WatchdogMode;
  reader.problems.push(`mode: "${raw}" is unknown (use one of ${WATCHDOG_MODES.join(', ')})`);
  return 'streaming';
}

function readUpstreamUrl(reader: EnvReader, mode: WatchdogMode): URL | undefined {
  const raw = reader.string('upstream_url', 'http_upstream_url');
  if (raw === undefined) {
    if (mode === 'http') reader.problems.push('upstream_url: required in http mode (e.g. http://127.0.0.1:3000)');
    return undefined;
  }
  try {
    const url = new URL(raw.trim());
    if (url.protocol === 'http:') return url;
    reader.problems.push(`upstream_url: "${raw}" must be an http:// URL`);
  } catch {
    reader.problems.push(`upstream_url: "${raw}" is not a URL`);
  }
  return undefined;
}

function readLogBufferSize(reader: EnvReader): number {
  const raw = reader.string('log_buffer_size');
  if (raw?.trim() === '-1') return -1;
  const size = reader.int('log_buffer_size', DEFAULT_LOG_BUFFER_SIZE);
  if (size === 0) reader.problems.push('log_buffer_size: must be positive or -1 (unbuffered)');
  return size;
}

/** Parses and validates the environment; throws ConfigError listing every problem. */
export function loadConfig(env: EnvMap): WatchdogConfig {
  const reader = new EnvReader(env);
  const mode = readMode(reader);
  const fprocess = (reader.string('fprocess', 'function_process') ?? '').trim().split(/\s+/).filter(Boolean);
  const needsProcess = mode === 'streaming' || mode === 'serializing' || mode === 'http';
  if (needsProcess && fprocess.length === 0) {
    reader.problems.push(`fprocess: required in ${mode} mode (the command to run, e.g. "node index.js")`);
  }
  const handlerPath = reader.string('handler')?.trim();
  if (mode === 'module' && handlerPath === undefined) {
    reader.problems.push('handler: required in module mode (path to a JavaScript handler file)');
  }
  const writeTimeoutMs = reader.duration('write_timeout', DEFAULT_TIMEOUT_MS);
  if (writeTimeoutMs === 0) reader.problems.push('write_timeout: must be greater than zero');

  const config: WatchdogConfig = {
    mode,
    fprocess,
    upstreamUrl: readUpstreamUrl(reader, mode),
    handlerPath,
    rawBody: reader.boolean('RAW_BODY', false),
    port: reader.int('port', 8080, 65_535),
    metricsPort: reader.int('metrics_port', 8081, 65_535),
    readTimeoutMs: reader.duration('read_timeout', DEFAULT_TIMEOUT_MS),
    writeTimeoutMs,
    execTimeoutMs: reader.duration('exec_timeout', DEFAULT_TIMEOUT_MS),
    healthcheckIntervalMs: reader.duration('healthcheck_interval', writeTimeoutMs),
    maxInflight: reader.int('max_inflight', 0),
    suppressLock: reader.boolean('suppress_lock', false),
    contentType: reader.string('content_type') ?? 'application/octet-stream',
    prefixLogs: reader.boolean('prefix_logs', true),
    logBufferSize: readLogBufferSize(reader),
    staticPath: reader.string('static_path') ?? '/home/app/public',
    readyPath: reader.string('ready_path')?.trim() ?? '',
    forkHelper: reader.string('fork_helper')?.trim() ?? 'auto',
  };
  if (config.readyPath !== '' && !config.readyPath.startsWith('/')) {
    reader.problems.push(`ready_path: "${config.readyPath}" must start with /`);
  }
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return Object.freeze(config);
}
