/**
 * The engine the Swarm provider talks to must be a manager of an active swarm: only managers answer the
 * service, task, secret and node APIs. Checked once at start, so a gateway started with provider=swarm against
 * a plain engine stops with one sentence saying what to do instead of failing on its first poll; a manager that
 * leaves the swarm later is caught on every call by docker-errors.ts (the engine answers 503 there). Also the
 * one other question for the swarm as a whole: can any node take a function's placement constraints?
 */
import type Docker from 'dockerode';
import { FuntainerError } from '@funtainer/core/errors';
import { engineCall } from '../docker/docker-errors.js';
import { checkConstraints, type NodeInfo } from './placement-constraints.js';

/** The parts of `GET /info` read here. */
export interface SwarmInfo {
  readonly Swarm?: { readonly LocalNodeState?: string; readonly ControlAvailable?: boolean };
}

/** PURE: why this engine cannot serve the Swarm provider, or undefined when it is a manager of an active swarm. */
export function managerProblem(info: SwarmInfo): string | undefined {
  const state = info.Swarm?.LocalNodeState || 'inactive';
  if (state !== 'active') return `it is not part of a swarm (state "${state}"): run "docker swarm init" on it, or point docker_host at a manager`;
  if (info.Swarm?.ControlAvailable !== true) return 'it is a swarm worker: point docker_host at a manager ("docker node ls" on a manager lists them)';
  return undefined;
}

export async function assertManager(docker: Docker, timeoutMs: number): Promise<void> {
  const info = (await engineCall(timeoutMs, 'read the engine info', () => docker.info())) as SwarmInfo;
  const problem = managerProblem(info);
  if (problem) throw new FuntainerError('FUNTAINER_ERR_SWARM_NOT_MANAGER', `provider=swarm needs a swarm manager, and the engine at ${engineAddress(docker)} is not one: ${problem}`);
}

/** Swarm would accept constraints no node meets and leave the tasks pending for ever: refused here instead. */
export async function assertPlaceable(docker: Docker, timeoutMs: number, constraints: readonly string[]): Promise<void> {
  if (constraints.length === 0) return;
  const nodes = (await engineCall(timeoutMs, 'list the swarm nodes', (abortSignal) => docker.listNodes({ abortSignal }))) as NodeInfo[];
  const verdict = checkConstraints(constraints, nodes);
  if ('problems' in verdict) throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', verdict.problems.join('; '), { details: { constraints } });
  if (verdict.unsatisfiable) {
    const quoted = constraints.map((c) => `"${c}"`).join(', ');
    throw new FuntainerError('FUNTAINER_ERR_CONSTRAINT_UNSATISFIABLE', `no node of the swarm (${nodes.length}) satisfies the constraints ${quoted}: label a node (docker node update --label-add) or change them`, {
      details: { constraints, nodes: nodes.length },
    });
  }
}

function engineAddress(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
  if (typeof modem.socketPath === 'string') return `unix://${modem.socketPath}`;
  return `${String(modem.host ?? 'localhost')}:${String(modem.port ?? '')}`;
}
