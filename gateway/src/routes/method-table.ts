/**
 * Registers a path's handlers and answers every other method with 405 + Allow (gorilla/mux behaviour that
 * OpenFaaS clients see), instead of Fastify's default 404 for a known path with the wrong method.
 */
import type { FastifyInstance, HTTPMethods, RouteHandlerMethod } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const satisfies readonly HTTPMethods[];
type Method = (typeof METHODS)[number];

/** `options.bodyLimit` applies to the given handlers (e.g. a publish route that takes event bodies). */
export function methodTable(app: FastifyInstance, url: string, handlers: Partial<Record<Method, RouteHandlerMethod>>, options: { bodyLimit?: number } = {}): void {
  const allowed = METHODS.filter((m) => handlers[m] !== undefined);
  const allow = allowed.join(', ');
  for (const method of METHODS) {
    const handler = handlers[method];
    if (handler !== undefined) {
      app.route({ method, url, handler, ...options });
      continue;
    }
    app.route({
      method,
      url,
      handler: async (_request, reply) => {
        reply.header('allow', allow);
        throw new FuntainerError('FUNTAINER_ERR_METHOD_NOT_ALLOWED', `method ${method} is not allowed on ${url}; use ${allow}`);
      },
    });
  }
}
