/**
 * `/system/functions` (list, deploy, update, delete) and `/system/function/<name>` with OpenFaaS bodies and
 * status codes: POST 202 / 409, PUT 202 / 404 (faas-cli deploys with PUT and POSTs on 404), DELETE 202 / 404.
 * A function's timeout label is checked against the gateway's own limits here, at deploy time, and its cron
 * annotations (schedules/) and topic names (core/topics.ts) are checked here and its schedule kept in step after each change.
 */
import type { FastifyPluginAsync } from 'fastify';
import { DeleteFunctionRequestSchema, FunctionDeploymentSchema, type FunctionDeployment, type FunctionStatus } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import { topicProblems } from '@funtainer/core/topics';
import { validateFunctionLabels } from '../functions/function-settings.js';
import { scheduleProblems } from '../schedules/schedule-annotations.js';
import { methodTable } from './method-table.js';
import { functionFromPath, namespaceOrDefault, parseJsonBody } from './request-parsing.js';
import type { RouteDeps } from './route-deps.js';

type NamespaceQuery = { namespace?: string };

export function systemFunctionRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { provider, functions, config } = deps;

  function withCount(status: FunctionStatus): FunctionStatus {
    return { ...status, invocationCount: functions.invocationCount({ name: status.name, namespace: status.namespace }) };
  }

  function parseDeployment(body: unknown): { spec: FunctionDeployment; fn: QualifiedName } {
    const parsed = parseJsonBody(FunctionDeploymentSchema, body);
    const spec = { ...parsed, namespace: parsed.namespace ?? config.functionNamespace };
    // Cron annotations are checked even without a schedule store (async off): the definition must stay valid
    // for a gateway that has one.
    const problems = [...validateFunctionLabels(spec.labels, config), ...scheduleProblems(spec.annotations), ...topicProblems(spec.annotations)];
    if (problems.length > 0) throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', problems.join('\n'), { details: { issues: problems } });
    return { spec, fn: { name: spec.service, namespace: spec.namespace } };
  }

  return async (app) => {
    methodTable(app, '/system/functions', {
      GET: async (request) => {
        const namespace = namespaceOrDefault((request.query as NamespaceQuery).namespace, config.functionNamespace);
        return (await provider.list(namespace)).map(withCount);
      },
      POST: async (request, reply) => {
        const { spec, fn } = parseDeployment(request.body);
        await provider.deploy(spec);
        await functions.refresh(fn);
        await deps.schedules?.apply(fn, spec.annotations);
        deps.onFunctionChanged?.(fn);
        return reply.code(202).send();
      },
      PUT: async (request, reply) => {
        const { spec, fn } = parseDeployment(request.body);
        await provider.update(spec);
        await functions.refresh(fn);
        await deps.schedules?.apply(fn, spec.annotations);
        deps.onFunctionChanged?.(fn);
        return reply.code(202).send();
      },
      DELETE: async (request, reply) => {
        const body = parseJsonBody(DeleteFunctionRequestSchema, request.body);
        const fn = { name: body.functionName, namespace: body.namespace ?? config.functionNamespace };
        await provider.remove(fn);
        functions.forget(fn);
        await deps.schedules?.remove(fn);
        deps.onFunctionChanged?.(fn);
        return reply.code(202).send();
      },
    });

    // faas-cli describe sends `?usage=1`; usage figures are not collected, so it is accepted and ignored.
    methodTable(app, '/system/function/:name', {
      GET: async (request) => {
        const fn = functionFromPath((request.params as { name: string }).name, (request.query as NamespaceQuery).namespace, config.functionNamespace);
        const status = await provider.get(fn);
        if (status === undefined) {
          throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${fn.name}" not found in namespace "${fn.namespace}"`);
        }
        const scaling = deps.describeScaling?.(fn);
        const schedule = await deps.schedules?.describe(fn, status.annotations);
        return { ...withCount(status), ...(scaling !== undefined ? { scaling } : {}), ...(schedule !== undefined ? { schedule } : {}) };
      },
    });
  };
}
