/**
 * `POST /system/scale-function/<name>`: 0 parks the function, other counts are clamped to its scale.min/max
 * labels (OpenFaaS CE clamps to [1,5], so it cannot scale to zero through its API); 202 with a JSON body saying
 * what was applied and how long the autoscaler holds it (scale-request.ts). The path names the function; the
 * body's namespace wins over the query's, which wins over function_namespace.
 */
import type { FastifyPluginAsync } from 'fastify';
import { ScaleServiceRequestSchema } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { applyScaleRequest } from './scale-request.js';
import { methodTable } from './method-table.js';
import { functionFromPath, parseJsonBody } from './request-parsing.js';
import type { RouteDeps } from './route-deps.js';

export function systemScaleRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { config } = deps;
  return async (app) => {
    methodTable(app, '/system/scale-function/:name', {
      POST: async (request, reply) => {
        const body = parseJsonBody(ScaleServiceRequestSchema, request.body);
        const namespace = body.namespace ?? (request.query as { namespace?: string }).namespace;
        const rawName = (request.params as { name: string }).name;
        const fn = functionFromPath(rawName, namespace, config.functionNamespace);
        // faas-cli sends both; a body naming another function is a client bug, not something to guess about.
        if (body.serviceName !== undefined && body.serviceName !== fn.name && body.serviceName !== rawName) {
          throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `serviceName: "${body.serviceName}" does not match the function in the path ("${fn.name}")`, {
            details: { field: 'serviceName' },
          });
        }
        return reply.code(202).send(await applyScaleRequest(deps, fn, body.replicas));
      },
    });
  };
}
