/**
 * Log lines kept in memory for the memory provider, with the same query semantics as the Docker provider:
 * `since`, `tail` per instance, and `follow` that waits for new lines until the caller aborts.
 */
import type { QualifiedName } from '@funtainer/core/names';
import { functionKey } from '../provider/function-spec.js';
import type { LogEntry, LogQuery } from '../provider/provider.js';

export class MemoryLogBook {
  readonly #entries = new Map<string, LogEntry[]>();
  readonly #waiters = new Set<() => void>();

  append(entry: LogEntry): void {
    const key = functionKey(entry);
    const list = this.#entries.get(key) ?? [];
    list.push(entry);
    this.#entries.set(key, list);
    for (const wake of [...this.#waiters]) wake();
  }

  forget(fn: QualifiedName): void {
    this.#entries.delete(functionKey(fn));
  }

  /** Wakes every follower so they notice an abort or a close. */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  async *query(query: LogQuery, isOpen: () => boolean): AsyncGenerator<LogEntry> {
    const key = functionKey(query);
    const initial = (this.#entries.get(key) ?? []).filter((e) => query.since === undefined || Date.parse(e.timestamp) >= query.since.getTime());
    for (const entry of tailPerInstance(initial, query.tail)) {
      if (query.signal.aborted) return;
      yield entry;
    }
    if (!query.follow) return;
    let cursor = this.#entries.get(key)?.length ?? 0;
    while (!query.signal.aborted && isOpen()) {
      const list = this.#entries.get(key) ?? [];
      if (list.length < cursor) cursor = 0; // the function was removed and re-created
      while (cursor < list.length) {
        const entry = list[cursor++] as LogEntry;
        if (query.signal.aborted) return;
        yield entry;
      }
      await this.#nextAppend(query.signal);
    }
  }

  #nextAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function tailPerInstance(entries: readonly LogEntry[], tail: number | undefined): LogEntry[] {
  if (tail === undefined || tail < 0) return [...entries];
  const seen = new Map<string, number>();
  const kept: LogEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as LogEntry;
    const count = seen.get(entry.instance) ?? 0;
    if (count >= tail) continue;
    seen.set(entry.instance, count + 1);
    kept.push(entry);
  }
  return kept.reverse();
}
