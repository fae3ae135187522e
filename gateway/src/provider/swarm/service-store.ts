/**
 * Engine calls on function services and their tasks, each with a deadline and its failure mapped once: a name
 * taken is FUNCTION_EXISTS, a spec Swarm rejects is INVALID_SPEC with Swarm's reason (the deployer's to fix),
 * the rest ENGINE. Services are found by name and checked against their labels, so a service of another scope
 * or made by hand is never taken for a function.
 */
import type Docker from 'dockerode';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { functionExists } from '../function-spec.js';
import { engineCall, engineMessage, engineStatus, isConflict, isNotFound, mapDockerError, withDeadline } from '../docker/docker-errors.js';
import { parseService, serviceFilters, serviceName, type ObservedService, type ServiceInfo } from './service-spec.js';
import type { TaskInfo } from './swarm-tasks.js';

export class ServiceStore {
  constructor(
    private readonly docker: Docker,
    private readonly extraLabels: Readonly<Record<string, string>>,
    private readonly nameSuffix: string,
    private readonly timeoutMs: number,
  ) {}

  async create(fn: QualifiedName, spec: Docker.ServiceSpec): Promise<string> {
    try {
      const created = await withDeadline(this.timeoutMs, 'create a service', (abortSignal) => this.docker.createService({ ...spec, abortSignal }));
      return created.id;
    } catch (err) {
      if (isConflict(err)) throw functionExists(fn);
      throw refusedSpec(err) ?? mapDockerError(err, 'create a service');
    }
  }

  /** The function's service with its raw spec, or undefined when it does not exist (in this scope). */
  async load(fn: QualifiedName): Promise<(ObservedService & { readonly spec: Docker.ServiceSpec }) | undefined> {
    let info: ServiceInfo;
    try {
      info = (await engineCall(this.timeoutMs, 'inspect a service', (abortSignal) =>
        this.docker.getService(serviceName(fn, this.nameSuffix)).inspect({ abortSignal }))) as ServiceInfo;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const observed = this.#ours(info);
    const spec = observed?.definition.spec;
    if (!observed || !info.Spec || spec?.service !== fn.name || spec.namespace !== fn.namespace) return undefined;
    return { ...observed, spec: info.Spec };
  }

  async list(): Promise<ObservedService[]> {
    const filters = { label: serviceFilters(this.extraLabels) };
    const infos = (await engineCall(this.timeoutMs, 'list services', (abortSignal) => this.docker.listServices({ filters, abortSignal }))) as unknown as ServiceInfo[];
    return infos.map((info) => this.#ours(info)).filter((s): s is ObservedService => s !== undefined);
  }

  /** Replaces the service's spec; `version` must be the one read (Swarm refuses a write based on a stale read). */
  async update(id: string, version: number, spec: Docker.ServiceSpec): Promise<void> {
    try {
      await withDeadline(this.timeoutMs, 'update a service', (abortSignal) =>
        this.docker.getService(id).update({ _query: { version }, _body: spec, abortSignal }));
    } catch (err) {
      throw refusedSpec(err) ?? mapDockerError(err, 'update a service');
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await engineCall(this.timeoutMs, 'remove a service', (abortSignal) => this.docker.getService(id).remove({ abortSignal }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async tasks(serviceIds: readonly string[]): Promise<TaskInfo[]> {
    const filters = { service: [...serviceIds] };
    return (await engineCall(this.timeoutMs, 'list tasks', (abortSignal) => this.docker.listTasks({ filters, abortSignal }))) as TaskInfo[];
  }

  /** Only services carrying every scope label are this provider's. */
  #ours(info: ServiceInfo): ObservedService | undefined {
    const labels = info.Spec?.Labels ?? {};
    if (!Object.entries(this.extraLabels).every(([k, v]) => labels[k] === v)) return undefined;
    return parseService(info);
  }
}

function refusedSpec(err: unknown): FuntainerError | undefined {
  if (engineStatus(err) !== 400) return undefined;
  return new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', `the swarm refused the service: ${engineMessage(err)}`, { cause: err });
}
