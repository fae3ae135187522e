/**
 * Async invocation routes, as one self-contained Fastify plugin (its body parser, limits and error mapping are
 * scoped to it by Fastify's encapsulation):
 *
 *   POST|PUT|PATCH|DELETE|GET /async-function/<name>[.<namespace>][/<path>]  → 202 + X-Call-Id
 *   DELETE /async-function/<callId>          → cancel (only when <callId> is not an existing function: see below)
 *   GET    /system/async/<callId>            → status
 *   GET    /system/async?function=&state=&offset=&limit=   → paged list (state=failed: the dead-letter list)
 *   POST   /system/async/<callId>/retry      → redrive a failed call
 *
 * DELETE ambiguity: `DELETE /async-function/<x>` with exactly one path segment invokes function <x>
 * asynchronously when a function <x> exists (OpenFaaS semantics win), and otherwise cancels the call whose id
 * is <x>. `DELETE /async-function/<x>/` or with a sub-path is always an invocation.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { QueueRequest } from '@funtainer/core/contracts';
import { FuntainerError, toFuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import { DEFAULT_NAMESPACE, parseQualifiedName, type QualifiedName } from '@funtainer/core/names';
import { chooseCallId, headersToStore, parseCallbackUrl, rawQuery, startTimeNs } from './async-request.js';
import { systemAsyncRoutes } from './system-async-routes.js';
import type { RequestQueuer } from './request-queuer.js';

export interface AsyncRoutesOptions {
  readonly queuer: RequestQueuer;
  /** True when the function exists (deployed, whatever its replica count). */
  functionExists(fn: QualifiedName): boolean | Promise<boolean>;
  /** Largest stored request body. @defaultValue 1 MiB */
  readonly maxBodyBytes?: number;
  /** Namespace for names without a `.namespace` suffix. @defaultValue 'openfaas-fn' */
  readonly defaultNamespace?: string;
  /**
   * Run before every `/system/async*` route (the gateway's basic-auth check). Optional because the gateway may
   * instead apply auth to all `/system/*` with a root hook registered before this plugin.
   */
  readonly authenticate?: onRequestHookHandler;
  /**
   * Register `/system/async*` here too. The real gateway sets false and mounts `systemAsyncRoutes` inside its
   * basic-auth `/system` scope instead (see README). @defaultValue true
   */
  readonly includeSystemRoutes?: boolean;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Called after a job is stored (not awaited): lets a function scaled to zero start before the worker calls it. */
  readonly onEnqueued?: (fn: QualifiedName) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const INVOKE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;

export const asyncRoutes: FastifyPluginAsync<AsyncRoutesOptions> = async (app, options) => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;
  const now = options.now ?? Date.now;

  // Bodies are stored verbatim (base64), whatever their type: keep a Buffer for every content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.setErrorHandler(sendPlatformError);

  async function resolveFunction(raw: string): Promise<QualifiedName> {
    const fn = parseQualifiedName(raw, defaultNamespace);
    if (!fn || !(await options.functionExists(fn))) throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `No such function: ${raw}`);
    return fn;
  }

  async function enqueue(request: FastifyRequest, reply: FastifyReply, fn: QualifiedName, subPath: string | undefined): Promise<FastifyReply> {
    const callbackUrl = parseCallbackUrl(request.headers[HEADERS.callbackUrl]);
    const callId = chooseCallId(request.headers[HEADERS.callId]);
    const nowMs = now();
    const startTime = startTimeNs(nowMs);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const job: QueueRequest = {
      callId,
      function: fn.name,
      namespace: fn.namespace,
      method: request.method,
      path: subPath === undefined ? '' : `/${subPath}`,
      query: rawQuery(request.url),
      headers: headersToStore(request.headers, callId, startTime),
      body: body.toString('base64'),
      ...(callbackUrl ? { callbackUrl } : {}),
      enqueuedAt: nowMs,
    };
    await options.queuer.enqueue(job);
    options.onEnqueued?.(fn);
    return reply.code(202).header(HEADERS.callId, callId).header(HEADERS.startTime, startTime).send();
  }

  const routeOptions = { bodyLimit: maxBodyBytes };
  app.route<{ Params: { name: string; '*': string } }>({
    method: [...INVOKE_METHODS],
    url: '/async-function/:name/*',
    ...routeOptions,
    handler: async (request, reply) => enqueue(request, reply, await resolveFunction(request.params.name), request.params['*']),
  });
  app.route<{ Params: { name: string } }>({
    method: [...INVOKE_METHODS],
    url: '/async-function/:name',
    ...routeOptions,
    handler: async (request, reply) => {
      if (request.method === 'DELETE' && !(await existingFunction(request.params.name))) {
        await options.queuer.cancel(request.params.name);
        return reply.code(202).header(HEADERS.callId, request.params.name).send();
      }
      return enqueue(request, reply, await resolveFunction(request.params.name), undefined);
    },
  });

  async function existingFunction(raw: string): Promise<boolean> {
    const fn = parseQualifiedName(raw, defaultNamespace);
    return fn !== undefined && (await options.functionExists(fn));
  }

  if (options.includeSystemRoutes === false) return;
  await app.register(systemAsyncRoutes, { queuer: options.queuer, defaultNamespace, ...(options.authenticate ? { authenticate: options.authenticate } : {}) });
};

/** Maps Fastify's own errors (body too large, bad content) onto registry codes; the body is `toBody()`. */
export function sendPlatformError(this: unknown, err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toPlatformError(err);
  if (error.statusCode >= 500) request.log.error({ err }, 'async route failed');
  const callId = request.headers[HEADERS.callId];
  return reply
    .code(error.statusCode)
    .header(HEADERS.internal, 'gateway')
    .send(error.toBody(typeof callId === 'string' ? callId : undefined));
}

function toPlatformError(err: unknown): FuntainerError {
  const fastifyError = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE');
  if (!(err instanceof FuntainerError) && typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', undefined, { cause: err });
  }
  return toFuntainerError(err);
}
