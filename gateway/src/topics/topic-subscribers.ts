/**
 * Who subscribes to a topic: every function, in every namespace, whose `topic` annotation names it. Read from
 * the provider (the definitions are the truth, as for cron schedules) and kept for a short TTL, because listing
 * the Docker provider is a few engine calls per namespace and a busy topic is published to many times a
 * second. This gateway's own deploys, updates and deletes drop the cache at once; other gateways' changes
 * show within one TTL.
 */
import type { FunctionStatus } from '@funtainer/core/contracts';
import type { QualifiedName } from '@funtainer/core/names';
import { subscribedTopics } from '@funtainer/core/topics';
import type { FunctionProvider } from '../provider/provider.js';

/** topic → subscribers, each list ordered by namespace then name (so responses and tests are stable). */
export type TopicIndex = ReadonlyMap<string, readonly QualifiedName[]>;

/** PURE: the index of a set of function definitions. */
export function buildTopicIndex(functions: Iterable<Pick<FunctionStatus, 'name' | 'namespace' | 'annotations'>>): TopicIndex {
  const index = new Map<string, QualifiedName[]>();
  for (const fn of functions) {
    for (const topic of subscribedTopics(fn.annotations)) {
      const list = index.get(topic) ?? [];
      list.push({ name: fn.name, namespace: fn.namespace });
      index.set(topic, list);
    }
  }
  for (const list of index.values()) list.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  return index;
}

export interface TopicSubscribers {
  /** Rejects when the provider cannot be listed (nothing is published then). */
  of(topic: string): Promise<readonly QualifiedName[]>;
  /** Every subscribed topic (`GET /system/topics`). */
  list(): Promise<TopicIndex>;
  /** A function was deployed, updated or deleted here: the next lookup lists again. */
  invalidate(): void;
}

export interface TopicSubscribersOptions {
  readonly provider: Pick<FunctionProvider, 'namespaces' | 'list'>;
  readonly ttlMs: number;
  readonly now?: () => number;
}

export function createTopicSubscribers(options: TopicSubscribersOptions): TopicSubscribers {
  const now = options.now ?? Date.now;
  let cached: { readonly at: number; readonly index: Promise<TopicIndex> } | undefined;
  let generation = 0;

  async function load(): Promise<TopicIndex> {
    const all: FunctionStatus[] = [];
    for (const namespace of await options.provider.namespaces()) all.push(...(await options.provider.list(namespace)));
    return buildTopicIndex(all);
  }

  function index(): Promise<TopicIndex> {
    if (cached && now() - cached.at < options.ttlMs) return cached.index;
    const started = generation;
    const loading = load();
    const entry = { at: now(), index: loading };
    cached = entry;
    // Concurrent publishes share one listing; a failed one is not kept, and neither is one that an
    // invalidate() overtook while it was listing (it may predate the change).
    loading.then(
      () => {
        if (generation !== started && cached === entry) cached = undefined;
      },
      () => {
        if (cached === entry) cached = undefined;
      },
    );
    return loading;
  }

  return {
    async of(topic) {
      return (await index()).get(topic) ?? [];
    },
    list: index,
    invalidate() {
      generation += 1;
      cached = undefined;
    },
  };
}
