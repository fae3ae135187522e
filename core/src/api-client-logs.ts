/**
 * NDJSON parsing for `GET /system/logs`. One JSON object per line (faas-provider logs.Message); the stream may
 * stay open for hours in follow mode, so lines are decoded incrementally and never buffered whole.
 */

/** One function log line as the gateway sends it (faas-provider `logs.Message`). */
export interface LogEntry {
  name: string;
  namespace?: string;
  instance?: string;
  /** RFC3339 time. */
  timestamp: string;
  text: string;
}

export interface LogsQuery {
  /** Keep the stream open and yield new lines as they arrive. @defaultValue false */
  follow?: boolean;
  /** Only the last N lines; undefined or ≤0 means all. */
  tail?: number;
  /** RFC3339 time or a duration like `5m` (converted to a time). */
  since?: string | Date;
  namespace?: string;
  instance?: string;
  signal?: AbortSignal;
}

function toLogEntry(line: string): LogEntry {
  const parsed: unknown = JSON.parse(line);
  if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
  const record = parsed as Record<string, unknown>;
  return {
    name: String(record.name ?? ''),
    namespace: typeof record.namespace === 'string' ? record.namespace : undefined,
    instance: typeof record.instance === 'string' ? record.instance : undefined,
    timestamp: String(record.timestamp ?? ''),
    text: String(record.text ?? ''),
  };
}

/** Splits a byte stream into NDJSON entries; a line that is not JSON is yielded as plain text. */
export async function* parseNdjson(chunks: AsyncIterable<Uint8Array>, fallbackName: string): AsyncGenerator<LogEntry> {
  const decoder = new TextDecoder();
  let pending = '';
  const emit = (line: string): LogEntry | undefined => {
    const trimmed = line.trim();
    if (trimmed === '') return undefined;
    try {
      return toLogEntry(trimmed);
    } catch {
      return { name: fallbackName, timestamp: '', text: line };
    }
  };
  for await (const chunk of chunks) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline !== -1) {
      const entry = emit(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      if (entry) yield entry;
      newline = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  const last = emit(pending);
  if (last) yield last;
}

const RELATIVE_SINCE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `5m` → the RFC3339 time five minutes before `now`; an RFC3339 string passes through. */
export function resolveSince(since: string | Date, now: Date = new Date()): string {
  if (since instanceof Date) return since.toISOString();
  const relative = RELATIVE_SINCE.exec(since.trim());
  if (relative) {
    const ms = Number(relative[1]) * (UNIT_MS[relative[2] as string] as number);
    return new Date(now.getTime() - ms).toISOString();
  }
  if (Number.isNaN(Date.parse(since))) {
    throw new TypeError(`since "${since}" is neither an RFC3339 time nor a duration like 30s, 5m, 2h, 1d`);
  }
  return since;
}

/** The query string faas-cli sends: `name`, `follow`, `tail` (-1 = all), optional `since`/`namespace`/`instance`. */
export function logsQueryParams(name: string, query: LogsQuery): Record<string, string | undefined> {
  return {
    name,
    follow: String(query.follow ?? false),
    tail: String(query.tail !== undefined && query.tail > 0 ? query.tail : -1),
    since: query.since !== undefined ? resolveSince(query.since) : undefined,
    namespace: query.namespace,
    instance: query.instance,
  };
}
