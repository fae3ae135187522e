/**
 * The OpenFaaS multi-namespace API, with faasd's status codes (docs/openfaas-compat.md §15): `GET
 * /system/namespaces` lists names; `POST /system/namespace/` (name in the body, or in the path) creates → 201,
 * 409 if it exists; `GET /system/namespace/<name>` → 200 / 404; `PUT` → 202 / 404 (a body name must match the
 * path); `DELETE` → 202 / 404, 409 while functions remain. Labels and annotations are the FunctionNamespace's.
 */
import type { FastifyPluginAsync } from 'fastify';
import { FunctionNamespaceSchema, type FunctionNamespace } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { namespaceNotFound } from '../provider/namespaces.js';
import { methodTable } from './method-table.js';
import { namespaceOrDefault, parseJsonBody } from './request-parsing.js';
import type { RouteDeps } from './route-deps.js';

type NamePath = { name?: string };

/** The namespace a request names: path and body must agree when both say one; at least one must. */
function namespaceFrom(pathName: string | undefined, body: unknown): FunctionNamespace {
  const parsed = parseJsonBody(FunctionNamespaceSchema, body === undefined || (Buffer.isBuffer(body) && body.length === 0) ? '{}' : body);
  const fromPath = pathName === undefined || pathName === '' ? undefined : namespaceOrDefault(pathName, '');
  if (fromPath !== undefined && parsed.name !== undefined && parsed.name !== fromPath) {
    throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `the body names namespace "${parsed.name}" but the path names "${fromPath}"`);
  }
  const name = fromPath ?? parsed.name;
  if (name === undefined) throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', 'name: a namespace name is required (in the body or the path)');
  return { name, labels: parsed.labels, annotations: parsed.annotations };
}

function pathNamespace(params: unknown): string {
  const name = (params as NamePath).name;
  if (name === undefined || name === '') throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'the path must name a namespace: /system/namespace/<name>');
  return namespaceOrDefault(name, '');
}

export function systemNamespaceRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { provider } = deps;
  return async (app) => {
    methodTable(app, '/system/namespaces', {
      GET: async () => provider.namespaces(),
    });
    methodTable(app, '/system/namespace/', {
      POST: async (request, reply) => {
        await provider.createNamespace(namespaceFrom(undefined, request.body));
        return reply.code(201).send();
      },
    });
    methodTable(app, '/system/namespace/:name', {
      GET: async (request) => {
        const name = pathNamespace(request.params);
        const found = await provider.getNamespace(name);
        if (found === undefined) throw namespaceNotFound(name);
        return found;
      },
      POST: async (request, reply) => {
        await provider.createNamespace(namespaceFrom(pathNamespace(request.params), request.body));
        return reply.code(201).send();
      },
      PUT: async (request, reply) => {
        await provider.updateNamespace(namespaceFrom(pathNamespace(request.params), request.body));
        return reply.code(202).send();
      },
      DELETE: async (request, reply) => {
        await provider.deleteNamespace(pathNamespace(request.params));
        return reply.code(202).send();
      },
    });
  };
}
