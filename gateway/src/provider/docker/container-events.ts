/**
 * Follows the engine's event stream for Funtainer replica containers so a crashed, killed or paused replica
 * leaves the endpoints within milliseconds instead of at the next sweep. The stream is re-opened (with a short backoff) when
 * the engine drops it; the periodic sweep covers whatever happens while it is down.
 */
import type Docker from 'dockerode';
import type { ProviderLogger } from './docker-provider-options.js';
import { CONTAINER_LABELS, parseReplicaLabels, type ReplicaIdentity } from './labels.js';
import { sleep } from './readiness.js';
import { scopeFilters } from './scope.js';
import { errorMessage } from '@funtainer/core/errors';

export type ContainerEventHandler = (event: { action: string; id: string; identity: ReplicaIdentity }) => void;

interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/**
 * `die`/`destroy`: the container no longer serves. Not `kill`/`stop`: they precede `die` while the container
 * still shows as running, and a reconcile pass triggered then would take the dying container for a live one.
 * `pause`/`unpause`: scale to zero done by another gateway (or by hand) must show here as quickly.
 */
const WATCHED_ACTIONS = ['die', 'destroy', 'pause', 'unpause'];

export function followContainerEvents(
  docker: Docker,
  extraLabels: Readonly<Record<string, string>>,
  onEvent: ContainerEventHandler,
  logger: ProviderLogger,
  signal: AbortSignal,
): Promise<void> {
  const filters = { type: ['container' as const], event: WATCHED_ACTIONS, label: [CONTAINER_LABELS.function, ...scopeFilters(extraLabels)] };
  return (async () => {
    while (!signal.aborted) {
      try {
        const stream = await docker.getEvents({ filters, abortSignal: signal });
        await readEvents(stream, onEvent, signal);
      } catch (err) {
        if (signal.aborted) return;
        logger.warn({ err: errorMessage(err) }, 'engine event stream failed; reconnecting');
      }
      await sleep(500, signal);
    }
  })();
}

/** An engine event is a few hundred bytes; a longer unterminated line means the stream is broken: reconnect. */
const MAX_EVENT_LINE_BYTES = 1024 * 1024;

async function readEvents(stream: NodeJS.ReadableStream, onEvent: ContainerEventHandler, signal: AbortSignal): Promise<void> {
  const destroy = (): void => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  signal.addEventListener('abort', destroy, { once: true });
  let buffered = '';
  try {
    for await (const chunk of stream) {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) dispatch(line, onEvent);
      }
      if (buffered.length > MAX_EVENT_LINE_BYTES) throw new Error(`engine event line longer than ${MAX_EVENT_LINE_BYTES} bytes`);
    }
  } finally {
    signal.removeEventListener('abort', destroy);
  }
}

function dispatch(line: string, onEvent: ContainerEventHandler): void {
  let event: EngineEvent;
  try {
    event = JSON.parse(line) as EngineEvent;
  } catch {
    return;
  }
  const identity = parseReplicaLabels(event.Actor?.Attributes);
  const id = event.Actor?.ID;
  if (identity && id && event.Action) onEvent({ action: event.Action, id, identity });
}
