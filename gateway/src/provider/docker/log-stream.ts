/**
 * `docker logs` of a function's live (running or paused) replicas as LogEntry objects: the engine's multiplexed
 * stdout/stderr frames are demultiplexed, split into lines and parsed for their timestamp. Without `follow` the
 * replicas' lines are merged by time; with `follow` they are interleaved as they arrive, replicas started later
 * included (log-follow.ts), until the caller aborts.
 */
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import type { EndpointsListener, LogEntry, LogQuery } from '../provider.js';
import { isNotFound, mapDockerError } from './docker-errors.js';
import { followReplicas } from './log-follow.js';
import type { ReplicaEngine } from './replica-engine.js';

const HEADER_BYTES = 8;

/** The provider's `onEndpointsChanged`: how a follow learns that replicas came or went. */
export type EndpointsWatch = (listener: EndpointsListener) => () => void;

export async function* functionLogs(docker: Docker, engine: ReplicaEngine, query: LogQuery, watchEndpoints: EndpointsWatch): AsyncGenerator<LogEntry> {
  const fn: QualifiedName = { name: query.name, namespace: query.namespace };
  if (query.follow) {
    yield* followReplicas({
      list: () => engine.list(fn),
      // A replica that joined later is read from its start (`since` still applies): all of it is new to this follow.
      open: (id, late, signal) => replicaLines(docker, fn, id, { ...query, signal, tail: late ? undefined : query.tail }),
      watch: (changed) => watchEndpoints((other) => {
        if (other.name === fn.name && other.namespace === fn.namespace) changed();
      }),
      signal: query.signal,
    });
    return;
  }
  const replicas = (await engine.list(fn)).filter((r) => r.running || r.paused);
  const all: LogEntry[] = [];
  for (const replica of replicas) for await (const entry of replicaLines(docker, fn, replica.id, query)) all.push(entry);
  all.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const entry of lastEntries(all, query.tail)) {
    if (query.signal.aborted) return;
    yield entry;
  }
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
    // Removed between the listing and now (retired, replaced): it has nothing more to say.
    if (query.signal.aborted || isNotFound(err)) return;
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

/** `tail` is the function's last N lines, not N per replica (each replica was read with the same tail). */
export function lastEntries(sorted: readonly LogEntry[], tail: number | undefined): readonly LogEntry[] {
  return tail !== undefined && tail >= 0 ? sorted.slice(sorted.length - Math.min(tail, sorted.length)) : sorted;
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
