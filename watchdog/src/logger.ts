/**
 * The watchdog's own log: one JSON object per line.
 *
 * Hand-written rather than pino because the watchdog ships with zero runtime npm packages. Info goes to stdout and
 * warn/error to stderr, like most container log collectors expect. Function output does not pass through here
 * (see child-logs.ts): it keeps the plain of-watchdog line format.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  fatal(msg: string, fields?: LogFields): void;
}

/** Where finished lines go; main.ts passes process streams, tests pass arrays. */
export interface LogSink {
  out(line: string): void;
  err(line: string): void;
}

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

export interface LoggerOptions {
  sink: LogSink;
  /** @defaultValue 'info' */
  level?: LogLevel;
  /** Fields added to every line, e.g. `{ service: 'watchdog' }`. */
  base?: LogFields;
}

export function createLogger(options: LoggerOptions): Logger {
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const base = options.base ?? {};
  const { sink } = options;

  function write(level: LogLevel, msg: string, fields?: LogFields): void {
    const rank = LEVEL_RANK[level];
    if (rank < minRank) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, ...base, msg, ...serializeFields(fields) });
    if (rank >= LEVEL_RANK.warn) sink.err(line);
    else sink.out(line);
  }

  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    fatal: (msg, fields) => write('fatal', msg, fields),
  };
}

/** Errors do not survive JSON.stringify (their fields are non-enumerable), so spell out what matters. */
function serializeFields(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined) return undefined;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value instanceof Error) {
      out ??= { ...fields };
      out[key] = describeError(value);
    }
  }
  return out ?? fields;
}

/** name, message, code, and the cause chain (a load failure's real reason is usually in `cause`). */
function describeError(err: Error, depth = 0): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  const described: Record<string, unknown> = { name: err.name, message: err.message };
  if (code !== undefined) described.code = code;
  if (err.cause instanceof Error && depth < 3) described.cause = describeError(err.cause, depth + 1);
  else if (err.cause !== undefined) described.cause = String(err.cause);
  return described;
}

/** A logger that drops everything; handy default for tests that do not inspect logs. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
});

/** Logger that keeps parsed lines in memory, for tests. */
export function createMemoryLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const push = (line: string): void => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  return Object.assign(createLogger({ sink: { out: push, err: push }, level: 'debug' }), { lines });
}
