/**
 * One bridge network per function, so a function's replicas can reach neither another function (no shared
 * network, no DNS alias; Docker drops traffic between bridges) nor anything but the host's bridge address. The
 * gateway reaches replicas by their IP: on the host it is every bridge's gateway; in a container on the same engine
 * it connects itself to each function network (self-container.ts). Networks carry the provider's scope labels and
 * the function's, are made before a function's first replica and removed with the function (or by the sweep).
 */
import type Docker from 'dockerode';
import type { QualifiedName } from '@funtainer/core/names';
import { errorMessage } from '@funtainer/core/errors';
import { functionKey, qualifiedNameOf } from '../function-spec.js';
import { isConflict, isNotFound, mapDockerError, withDeadline } from './docker-errors.js';
import type { ProviderLogger } from './docker-provider-options.js';
import { CONTAINER_LABELS, type StoredDefinition } from './labels.js';
import { scopeFilters } from './scope.js';

export const NETWORK_LABEL = 'com.funtainer.network';

/** `<prefix>-<namespace>-<name><scope suffix>`: unique per function and scope on one engine. */
export function functionNetworkName(prefix: string, fn: QualifiedName, nameSuffix: string): string {
  return `${prefix}-${fn.namespace}-${fn.name}${nameSuffix}`;
}

export interface FunctionNetworksSettings {
  readonly prefix: string;
  readonly nameSuffix: string;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The gateway's own container id when it runs in one on this engine (it must join every network). */
  readonly self: () => Promise<string | undefined>;
  readonly logger: ProviderLogger;
}

export class FunctionNetworks {
  /** Functions whose network this process has made sure of (the gateway's container is on it). */
  readonly #joined = new Set<string>();

  constructor(private readonly docker: Docker, private readonly settings: FunctionNetworksSettings) {}

  nameFor(fn: QualifiedName): string {
    return functionNetworkName(this.settings.prefix, fn, this.settings.nameSuffix);
  }

  /** Creates the function's network when missing and makes sure the gateway's container is on it. Idempotent. */
  readonly ensure = async (fn: QualifiedName): Promise<void> => {
    const name = this.nameFor(fn);
    let members: Record<string, unknown> | undefined;
    try {
      members = (await this.#call('inspect a function network', () => this.docker.getNetwork(name).inspect())).Containers ?? {};
    } catch (err) {
      if (!isNotFound(err)) throw mapDockerError(err, 'inspect a function network');
    }
    if (members === undefined) {
      const labels = { ...this.settings.extraLabels, [NETWORK_LABEL]: 'function', [CONTAINER_LABELS.function]: fn.name, [CONTAINER_LABELS.namespace]: fn.namespace };
      try {
        await this.#call('create a function network', () => this.docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: labels }));
      } catch (err) {
        if (!isConflict(err)) throw mapDockerError(err, 'create a function network'); // a concurrent creator is fine
      }
      members = {};
    }
    const self = await this.settings.self();
    if (self !== undefined && !(self in members)) {
      try {
        await this.#call('connect the gateway to a function network', () => this.docker.getNetwork(name).connect({ Container: self }));
      } catch (err) {
        // 403/409: already connected (a concurrent ensure); anything else means replicas would be unreachable
        if (!isConflict(err) && (err as { statusCode?: number }).statusCode !== 403) throw mapDockerError(err, 'connect the gateway to a function network');
      }
    }
    this.#joined.add(functionKey(fn));
  };

  /** Removes the function's network once its replicas are gone; the gateway's own endpoint is disconnected first. */
  async remove(fn: QualifiedName): Promise<void> {
    this.#joined.delete(functionKey(fn));
    const name = this.nameFor(fn);
    const self = await this.settings.self();
    if (self !== undefined) {
      await this.#call('disconnect the gateway', () => this.docker.getNetwork(name).disconnect({ Container: self, Force: true })).catch(() => undefined);
    }
    try {
      await this.#call('remove a function network', () => this.docker.getNetwork(name).remove());
    } catch (err) {
      if (!isNotFound(err)) throw mapDockerError(err, 'remove a function network');
    }
  }

  /** remove() that never rejects: a network still in use (a replica being removed) is left to the next sweep. */
  async release(fn: QualifiedName): Promise<void> {
    await this.remove(fn).catch((err: unknown) => this.settings.logger.warn({ network: this.nameFor(fn), err: errorMessage(err) }, 'function network not removed; the sweep retries'));
  }

  /**
   * Sweep housekeeping, never rejects: a gateway container that replaced another (compose up again) joins the
   * networks of functions whose replicas it adopted rather than launched; networks of functions `defined(key)`
   * denies are removed.
   */
  readonly maintain = async (definitions: ReadonlyMap<string, StoredDefinition>, defined: (key: string) => boolean): Promise<void> => {
    if ((await this.settings.self().catch(() => undefined)) !== undefined) {
      for (const { spec } of definitions.values()) {
        const fn = qualifiedNameOf(spec);
        if (this.#joined.has(functionKey(fn))) continue;
        await this.ensure(fn).catch((err: unknown) => this.settings.logger.warn({ fn: functionKey(fn), err: errorMessage(err) }, 'could not join a function network'));
      }
    }
    try {
      const label = [...scopeFilters(this.settings.extraLabels), `${NETWORK_LABEL}=function`];
      const networks = await this.#call('list function networks', () => this.docker.listNetworks({ filters: { label } }));
      for (const network of networks) {
        const name = network.Labels?.[CONTAINER_LABELS.function];
        const namespace = network.Labels?.[CONTAINER_LABELS.namespace];
        if (name === undefined || namespace === undefined || defined(functionKey({ name, namespace }))) continue;
        this.settings.logger.info({ network: network.Name }, 'removing the network of a removed function');
        await this.release({ name, namespace });
      }
    } catch (err) {
      this.settings.logger.warn({ err: errorMessage(err) }, 'pruning function networks failed');
    }
  };

  #call<T>(what: string, run: () => Promise<T>): Promise<T> {
    return withDeadline(this.settings.timeoutMs, what, () => run());
  }
}
