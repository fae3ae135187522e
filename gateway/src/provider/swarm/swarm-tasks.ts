/**
 * PURE: Swarm's task list → what routing needs. A task may take traffic when Swarm wants it running, it is
 * running, and it has an address on the functions' overlay network: its own address, not the service's virtual
 * IP, so the gateway keeps its own least-in-flight balancing, drain and per-replica bounds. Its watchdog must
 * still answer `/_/ready` before it becomes an endpoint (task-view.ts).
 */
import { WATCHDOG_PORT } from '../replica-rules.js';
import { CONTAINER_LABELS } from '../docker/labels.js';

/** The parts of `GET /tasks` the provider reads. */
export interface TaskInfo {
  readonly ID: string;
  readonly ServiceID: string;
  readonly CreatedAt?: string;
  readonly DesiredState?: string;
  readonly Status?: { readonly State?: string; readonly Err?: string; readonly Timestamp?: string };
  readonly Spec?: { readonly ContainerSpec?: { readonly Labels?: Record<string, string> } };
  readonly NetworksAttachments?: readonly {
    readonly Network?: { readonly ID?: string; readonly Spec?: { readonly Name?: string } };
    readonly Addresses?: readonly string[];
  }[];
}

export interface RoutableTask {
  readonly id: string;
  readonly serviceId: string;
  readonly generation: number;
  readonly url: string;
}

/** Why the newest tasks of a service do not start (the scheduler's or the engine's words), when they do not. */
export interface TaskFailure {
  readonly message: string;
  readonly at: Date;
}

const FAILED_STATES = new Set(['failed', 'rejected']);

/** `10.0.1.5/24` on the network named (or with the id) `network` → `http://10.0.1.5:8080`. */
export function taskUrl(task: TaskInfo, network: string): string | undefined {
  const attachment = task.NetworksAttachments?.find((a) => a.Network?.Spec?.Name === network || a.Network?.ID === network);
  const address = attachment?.Addresses?.[0]?.split('/')[0];
  return address ? `http://${address}:${WATCHDOG_PORT}` : undefined;
}

export function routableTasks(tasks: readonly TaskInfo[], network: string): RoutableTask[] {
  const result: RoutableTask[] = [];
  for (const task of tasks) {
    if (task.DesiredState !== 'running' || task.Status?.State !== 'running') continue;
    const url = taskUrl(task, network);
    if (url === undefined) continue;
    const generation = Number(task.Spec?.ContainerSpec?.Labels?.[CONTAINER_LABELS.generation] ?? 0);
    result.push({ id: task.ID, serviceId: task.ServiceID, generation: Number.isInteger(generation) ? generation : 0, url });
  }
  return result;
}

/**
 * The newest failure among a service's tasks when no task of it runs: a task the engine rejected (a missing
 * image, an impossible limit) or that no node can take (`no suitable node` stays pending, with the reason).
 */
export function serviceFailure(tasks: readonly TaskInfo[]): TaskFailure | undefined {
  if (tasks.some((t) => t.Status?.State === 'running')) return undefined;
  let newest: TaskFailure | undefined;
  for (const task of tasks) {
    const state = task.Status?.State ?? '';
    const err = task.Status?.Err;
    if (!err || !(FAILED_STATES.has(state) || state === 'pending')) continue;
    const at = new Date(task.Status?.Timestamp ?? task.CreatedAt ?? 0);
    if (!newest || at > newest.at) newest = { message: err, at };
  }
  return newest;
}
