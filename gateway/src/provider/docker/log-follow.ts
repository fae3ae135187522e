/**
 * `logs --follow` that keeps up with a function's replica set until the caller aborts. The replicas alive when the
 * follow begins are read from the query's `tail`/`since`; a replica seen later (scale-up, rolling update, crash
 * replacement, a change made by another gateway) is read from its start, since all of its output is newer than
 * the follow. Each container is opened once, so no line is sent twice.
 *
 * When to look again: the provider reports endpoint changes of the function (a replica got ready or left), which
 * covers scale-up, rollouts and replacements at once. A replica that never gets ready changes no endpoints, yet its
 * output is exactly what someone following a failing update needs, so the replicas are also re-listed every
 * `rescanMs` (one label-filtered list call).
 */
import { DEFAULT_MERGE_BUFFER, LogMerge } from './log-merge.js';

/** What the follow needs to know of a replica container. */
export interface FollowedReplica {
  readonly id: string;
  readonly running: boolean;
  readonly paused: boolean;
}

export interface ReplicaFollowDeps<T> {
  /** The function's replica containers now, in any state. */
  readonly list: () => Promise<readonly FollowedReplica[]>;
  /** One replica's lines until it stops or `signal` aborts; `late` = it appeared after the follow began. */
  readonly open: (id: string, late: boolean, signal: AbortSignal) => AsyncGenerator<T>;
  /** Calls `changed` whenever the function's replicas may have changed; returns the unsubscribe. */
  readonly watch: (changed: () => void) => () => void;
  /** The caller's: the follow ends when it aborts. */
  readonly signal: AbortSignal;
  readonly rescanMs?: number;
  readonly bufferLimit?: number;
}

/** Well inside the readiness deadline, so a replica that never gets ready is shown before it is removed. */
export const RESCAN_MS = 1_000;

export async function* followReplicas<T>(deps: ReplicaFollowDeps<T>): AsyncGenerator<T> {
  // Aborted on the way out too: a reader that simply stops iterating must still close the engine streams.
  const stop = new AbortController();
  const signal = AbortSignal.any([deps.signal, stop.signal]);
  const merge = new LogMerge<T>(signal, deps.bufferLimit ?? DEFAULT_MERGE_BUFFER);
  const opened = new Set<string>();
  const attach = (replicas: readonly FollowedReplica[], late: boolean): void => {
    // A container the engine no longer lists is gone for good (ids are never reused), so the set stays bounded.
    const listed = new Set(replicas.map((r) => r.id));
    for (const id of opened) if (!listed.has(id)) opened.delete(id);
    for (const replica of replicas) {
      // Not a created-but-unstarted container: its log would end at once and it would never be opened again.
      if (opened.has(replica.id) || !(replica.running || replica.paused)) continue;
      opened.add(replica.id);
      merge.add(deps.open(replica.id, late, signal));
    }
  };

  // One listing at a time, so an older answer never lands after a newer one; requests made meanwhile fold into a
  // single next pass. The first pass is the initial listing: changes reported during it are looked at after it.
  let scanning = true;
  let again = false;
  const rescan = (): void => {
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    void (async () => {
      do {
        again = false;
        try {
          attach(await deps.list(), true);
        } catch {
          // An engine hiccup must not end a follow that is otherwise fine: the next change or tick lists again.
        }
      } while (again && !signal.aborted);
      scanning = false;
    })();
  };

  const unwatch = deps.watch(rescan);
  const timer = setInterval(rescan, deps.rescanMs ?? RESCAN_MS);
  // At the abort itself, not only on the way out: a reader that stopped pulling may never resume or return us.
  const quiet = (): void => {
    unwatch();
    clearInterval(timer);
  };
  signal.addEventListener('abort', quiet, { once: true });
  try {
    try {
      attach(await deps.list(), false);
    } finally {
      scanning = false;
    }
    if (again) rescan();
    yield* merge.values();
  } finally {
    stop.abort();
    quiet(); // the abort listener never runs when the caller's signal was aborted before we started
  }
}
