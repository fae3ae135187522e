/**
 * `docker service logs` of a function as LogEntry objects. Swarm gathers the lines of every task, on every
 * node, itself (new tasks included while following), so this only demultiplexes, splits lines and reads each
 * line's timestamp and task id (`details` puts `com.docker.swarm.task.id=…` in front of the text). Without
 * `follow` the lines are sorted by time and `tail` is the function's last N lines, as with the Docker provider.
 */
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import type { LogEntry, LogQuery } from '../provider.js';
import { isNotFound, mapDockerError } from '../docker/docker-errors.js';
import { demuxLines, lastEntries, toLogEntry } from '../docker/log-stream.js';

const TASK_ID = /(?:^|,)com\.docker\.swarm\.task\.id=([^,\s]+)/;

export async function* serviceLogs(docker: Docker, serviceId: string, query: LogQuery): AsyncGenerator<LogEntry> {
  const fn: QualifiedName = { name: query.name, namespace: query.namespace };
  const options = {
    stdout: true, stderr: true, timestamps: true, details: true, follow: query.follow, abortSignal: query.signal,
    ...(query.since ? { since: Math.floor(query.since.getTime() / 1000) } : {}),
    ...(query.tail !== undefined ? { tail: query.tail } : {}),
  };
  let chunks: AsyncIterable<Buffer> | Buffer[];
  try {
    const response = (await docker.getService(serviceId).logs(options)) as unknown;
    chunks = Buffer.isBuffer(response) ? [response] : (response as AsyncIterable<Buffer>);
  } catch (err) {
    if (query.signal.aborted || isNotFound(err)) return;
    throw mapDockerError(err, 'read service logs');
  }
  const entries = lines(fn, chunks, query);
  if (query.follow) {
    yield* entries;
    return;
  }
  const all: LogEntry[] = [];
  for await (const entry of entries) all.push(entry);
  all.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  for (const entry of lastEntries(all, query.tail)) {
    if (query.signal.aborted) return;
    yield entry;
  }
}

async function* lines(fn: QualifiedName, chunks: AsyncIterable<Buffer> | Buffer[], query: LogQuery): AsyncGenerator<LogEntry> {
  try {
    for await (const line of demuxLines(chunks)) {
      const entry = withTask(toLogEntry(fn, '', line));
      if (query.since && Date.parse(entry.timestamp) < query.since.getTime()) continue;
      yield entry;
    }
  } catch (err) {
    if (!query.signal.aborted) throw mapDockerError(err, 'read service logs');
  }
}

/** Moves the details token (`com.docker.swarm.node.id=…,…task.id=…`) out of the text into `instance`. */
export function withTask(entry: LogEntry): LogEntry {
  const space = entry.text.indexOf(' ');
  const details = space > 0 ? entry.text.slice(0, space) : entry.text;
  const task = TASK_ID.exec(details)?.[1];
  if (task === undefined) return entry;
  return { ...entry, instance: task.slice(0, 12), text: space > 0 ? entry.text.slice(space + 1) : '' };
}
