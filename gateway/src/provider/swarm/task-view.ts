/**
 * The Swarm provider's in-memory view of every function: its service, the wanted replicas and the endpoints,
 * i.e. the tasks that are running on the overlay network AND whose watchdog answered `/_/ready` (probed by the
 * gateway itself, since Swarm's "running" says nothing about the watchdog). `endpoints()` answers from here,
 * synchronously; polling keeps it fresh: fast while a function is starting, scaling or rolling, slower when
 * every function is steady. Each function's endpoints are one frozen array until they change.
 */
import type { QualifiedName } from '@funtainer/core/names';
import { functionKey } from '../function-spec.js';
import type { Endpoint } from '../provider.js';
import type { ProviderLogger } from '../docker/docker-provider-options.js';
import { sleep, waitReady } from '../docker/readiness.js';
import type { ObservedService } from './service-spec.js';
import { routableTasks, serviceFailure, type RoutableTask, type TaskFailure, type TaskInfo } from './swarm-tasks.js';

export interface TaskViewDeps {
  readonly listServices: () => Promise<ObservedService[]>;
  readonly listTasks: (serviceIds: readonly string[]) => Promise<TaskInfo[]>;
  readonly network: string;
  readonly changed: (fn: QualifiedName, endpoints: readonly Endpoint[]) => void;
  readonly timing: { readonly fastPollMs: number; readonly steadyPollMs: number; readonly readyPollMs: number; readonly readyTimeoutMs: number };
  readonly logger: ProviderLogger;
  readonly signal: AbortSignal;
}

export interface FunctionView {
  readonly fn: QualifiedName;
  service: ObservedService;
  endpoints: readonly Endpoint[];
  failure: TaskFailure | undefined;
  readonly ready: Map<string, RoutableTask>;
  readonly probing: Set<string>;
  /** The refresh sequence number at which this view was last set by the provider itself. */
  touched: number;
}

export class TaskView {
  readonly #views = new Map<string, FunctionView>();
  /** Functions removed by this provider, with the sequence number of the removal: older listings cannot revive them. */
  readonly #removed = new Map<string, number>();
  readonly #deps: TaskViewDeps;
  readonly #settleWaiters = new Set<() => void>();
  #sequence = 0;
  #refreshing: Promise<void> | undefined;
  #wake: (() => void) | undefined;

  constructor(deps: TaskViewDeps) {
    this.#deps = deps;
  }

  get(fn: QualifiedName): FunctionView | undefined {
    return this.#views.get(functionKey(fn));
  }

  /** The provider changed the service (deploy, update, scale): known at once, polled fast until settled. */
  track(fn: QualifiedName, service: ObservedService): void {
    const key = functionKey(fn);
    this.#removed.delete(key);
    const view = this.#views.get(key) ?? { fn, service, endpoints: Object.freeze([]), failure: undefined, ready: new Map(), probing: new Set(), touched: 0 };
    view.service = service;
    view.failure = undefined;
    view.touched = ++this.#sequence;
    this.#views.set(key, view);
    // Scaled to 0: out of the endpoints at once, before Swarm stops the tasks (requests then wait or wake it).
    if (service.definition.replicas === 0) view.ready.clear();
    this.#publish(view);
    this.#wake?.();
  }

  forget(fn: QualifiedName): void {
    const key = functionKey(fn);
    const view = this.#views.get(key);
    this.#removed.set(key, ++this.#sequence);
    this.#views.delete(key);
    if (view) this.#deps.changed(view.fn, []);
  }

  /** Serving as wanted: as many endpoints as replicas, all of the current generation. */
  settled(view: FunctionView): boolean {
    const { replicas, generation } = view.service.definition;
    return view.endpoints.length === replicas && [...view.ready.values()].every((t) => t.generation === generation);
  }

  /** Resolves true once the function is settled, false at the deadline or when it is gone. */
  async waitSettled(fn: QualifiedName, deadlineMs: number): Promise<boolean> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const view = this.get(fn);
      if (!view || this.#deps.signal.aborted) return false;
      if (this.settled(view)) return true;
      const left = until - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#settleWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, this.#deps.timing.fastPollMs));
        this.#settleWaiters.add(done);
      });
    }
  }

  /** One listing of services and tasks applied to the view; concurrent callers share it. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Polls until the signal aborts: fast while something is unsettled, else steady. Never rejects. */
  async run(): Promise<void> {
    const { signal, timing, logger } = this.#deps;
    while (!signal.aborted) {
      try {
        await this.refresh();
      } catch (err) {
        logger.warn({ err }, 'swarm: listing services and tasks failed; retrying');
      }
      const steady = [...this.#views.values()].every((v) => this.settled(v));
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        void sleep(steady ? timing.steadyPollMs : timing.fastPollMs, signal).then(resolve);
      });
      this.#wake = undefined;
    }
  }

  async #refresh(): Promise<void> {
    const started = this.#sequence;
    const services = await this.#deps.listServices();
    const tasks = services.length > 0 ? await this.#deps.listTasks(services.map((s) => s.id)) : [];
    const listed = new Set<string>();
    for (const service of services) {
      const { spec } = service.definition;
      const fn = { name: spec.service, namespace: spec.namespace ?? '' };
      const key = functionKey(fn);
      listed.add(key);
      if ((this.#removed.get(key) ?? -1) > started) continue; // removed after this listing began
      const view = this.#views.get(key);
      const own = tasks.filter((t) => t.ServiceID === service.id);
      if (!view) {
        this.#views.set(key, { fn, service, endpoints: Object.freeze([]), failure: undefined, ready: new Map(), probing: new Set(), touched: 0 });
      } else if (view.touched <= started) {
        view.service = service; // a change by another gateway (or by hand); ours are newer than this listing
      }
      this.#apply(this.#views.get(key) as FunctionView, own);
    }
    for (const [key, view] of this.#views) {
      if (!listed.has(key) && view.touched <= started) this.forget(view.fn); // removed elsewhere
    }
    for (const [key, seq] of this.#removed) if (seq <= started) this.#removed.delete(key);
    this.#notifySettle();
  }

  #apply(view: FunctionView, tasks: readonly TaskInfo[]): void {
    const live = view.service.definition.replicas === 0 ? [] : routableTasks(tasks, this.#deps.network);
    const liveIds = new Set(live.map((t) => t.id));
    for (const id of view.ready.keys()) if (!liveIds.has(id)) view.ready.delete(id);
    for (const task of live) if (!view.ready.has(task.id) && !view.probing.has(task.id)) void this.#probe(view, task);
    view.failure = view.ready.size === 0 ? serviceFailure(tasks) : undefined;
    this.#publish(view);
  }

  async #probe(view: FunctionView, task: RoutableTask): Promise<void> {
    const { timing, signal } = this.#deps;
    view.probing.add(task.id);
    try {
      const ok = await waitReady(task.url, {
        pollMs: timing.readyPollMs, deadlineMs: timing.readyTimeoutMs, signal,
        abandoned: () => this.#views.get(functionKey(view.fn)) !== view || view.service.definition.replicas === 0,
      });
      if (!ok || this.#views.get(functionKey(view.fn)) !== view || view.service.definition.replicas === 0) return;
      view.ready.set(task.id, task);
      this.#publish(view);
      this.#notifySettle();
    } finally {
      view.probing.delete(task.id);
    }
  }

  /** A new frozen array, and listeners called, only when the set of endpoints changed. */
  #publish(view: FunctionView): void {
    const next = [...view.ready.values()].sort((a, b) => a.id.localeCompare(b.id));
    const same = next.length === view.endpoints.length && next.every((t, i) => t.id === view.endpoints[i]?.id);
    if (same) return;
    view.endpoints = Object.freeze(next.map((t) => Object.freeze({ id: t.id, url: t.url })));
    this.#deps.changed(view.fn, view.endpoints);
  }

  #notifySettle(): void {
    for (const done of [...this.#settleWaiters]) done();
  }
}
