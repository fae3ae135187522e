/**
 * `docker logs` of every running replica of a function as LogEntry objects: the engine's multiplexed
 * stdout/stderr frames are demultiplexed, split into lines and parsed for their timestamp. Without `follow` the
 * replicas' lines are merged by time; with `follow` they are interleaved as they arrive until the caller aborts.
 * Replicas started after a follow began are not picked up (the client re-connects, as with faas-cli).
 */
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import type { LogEntry, LogQuery } from '../provider.js';
import { mapDockerError } from './docker-errors.js';
import type { ReplicaEngine } from './replica-engine.js';

const HEADER_BYTES = 8;

export async function* functionLogs(docker: Docker, engine: ReplicaEngine, query: LogQuery): AsyncGenerator<LogEntry> {
  const fn: QualifiedName = { name: query.name, namespace: query.namespace };
  const replicas = (await engine.list(fn)).filter((r) => r.running);
  const sources = replicas.map((r) => replicaLines(docker, fn, r.id, query));
  if (!query.follow) {
    const all: LogEntry[] = [];
    for (const source of sources) for await (const entry of source) all.push(entry);
    all.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
    for (const entry of all) {
      if (query.signal.aborted) return;
      yield entry;
    }
    return;
  }
  yield* mergeAsync(sources, query.signal);
}

async function* replicaLines(docker: Docker, fn: QualifiedName, id: string, query: LogQuery): AsyncGenerator<LogEntry> {
  const options = {
    stdout: true, stderr: true, timestamps: true, abortSignal: query.signal,
    ...(query.since ? { since: Math.floor(query.since.getTime() / 1000) } : {}),
    ...(query.tail !== undefined ? { tail: query.tail } : {}),
  };
  const container = docker.getContainer(id);
  let chunks: AsyncIterable<Buffer> | Buffer[];
  try {
    chunks = query.follow ? ((await container.logs({ ...options, follow: true })) as AsyncIterable<Buffer>) : [await container.logs({ ...options, follow: false })];
  } catch (err) {
    if (query.signal.aborted) return;
    throw mapDockerError(err, 'read container logs');
  }
  const instance = id.slice(0, 12);
  try {
    for await (const line of demuxLines(chunks)) {
      const entry = toLogEntry(fn, instance, line);
      // `since` is whole seconds for the engine; trim to the exact instant here.
      if (query.since && Date.parse(entry.timestamp) < query.since.getTime()) continue;
      yield entry;
    }
  } catch (err) {
    if (!query.signal.aborted) throw mapDockerError(err, 'read container logs');
  }
}

/** Splits a multiplexed log stream (8-byte frame headers: stream, 0, 0, 0, uint32 size) into text lines. */
export async function* demuxLines(chunks: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<string> {
  let pending: Buffer = Buffer.alloc(0);
  const partial = ['', '', ''];
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= HEADER_BYTES) {
      const size = pending.readUInt32BE(4);
      if (pending.length < HEADER_BYTES + size) break;
      const stream = Math.min(pending[0] ?? 1, 2);
      const text = partial[stream] + pending.subarray(HEADER_BYTES, HEADER_BYTES + size).toString('utf8');
      pending = pending.subarray(HEADER_BYTES + size);
      const lines = text.split('\n');
      partial[stream] = lines.pop() ?? '';
      for (const line of lines) yield line.replace(/\r$/, '');
    }
  }
  for (const rest of partial) if (rest) yield rest;
}

/** `2024-05-01T10:00:00.123456789Z text` → LogEntry (timestamps: true puts RFC3339Nano first). */
export function toLogEntry(fn: QualifiedName, instance: string, line: string): LogEntry {
  const space = line.indexOf(' ');
  const stamp = space > 0 ? line.slice(0, space) : '';
  const valid = stamp !== '' && !Number.isNaN(Date.parse(stamp));
  return { name: fn.name, namespace: fn.namespace, instance, timestamp: valid ? stamp : new Date().toISOString(), text: valid ? line.slice(space + 1) : line };
}

/** Interleaves several async sources as values arrive; stops all of them when `signal` aborts. */
async function* mergeAsync<T>(sources: AsyncGenerator<T>[], signal: AbortSignal): AsyncGenerator<T> {
  const queue: T[] = [];
  let failure: unknown;
  let active = sources.length;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  for (const source of sources) {
    void (async () => {
      try {
        for await (const value of source) {
          queue.push(value);
          notify();
        }
      } catch (err) {
        failure ??= err;
      } finally {
        active--;
        notify();
      }
    })();
  }
  const onAbort = (): void => notify();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      while (queue.length > 0) yield queue.shift() as T;
      if (failure) throw failure;
      if (active === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (signal.aborted) resolve();
      });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Not awaited: a source blocked on the engine ends when its request is aborted through the same signal.
    for (const source of sources) void source.return(undefined).catch(() => undefined);
  }
}
