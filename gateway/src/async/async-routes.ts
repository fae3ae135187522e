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
 *
 * Access is the gateway's, checked at submit time (the worker later invokes private functions with its own
 * credentials, so a call admitted here runs): an invocation passes exactly what `/function/` passes
 * (`authorizeInvocation`), a cancel and every `/system/async*` route what `/system/*` passes (`authorizeSystem`).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { CallbackPolicy } from '@funtainer/core/callback-policy';
import type { QueueRequest } from '@funtainer/core/contracts';
import { FuntainerError, toFuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import { DEFAULT_NAMESPACE, type QualifiedName } from '@funtainer/core/names';
import { errorHeaders } from '../errors.js';
import type { GatewaySupport } from '../gateway-support.js';
import { chooseCallId, headersToStore, parseCallbackUrl, rawQuery, startTimeNs } from './async-request.js';
import { systemAsyncRoutes } from './system-async-routes.js';
import type { RequestQueuer } from './request-queuer.js';

export interface AsyncRoutesOptions {
  readonly queuer: RequestQueuer;
  /** The gateway's resolution and access checks (GatewaySupport), the same ones `/function/` and `/system/*` use. */
  readonly access: AsyncAccess;
  /** Largest stored request body. @defaultValue 1 MiB */
  readonly maxBodyBytes?: number;
  /** Namespace for names without a `.namespace` suffix. @defaultValue 'openfaas-fn' */
  readonly defaultNamespace?: string;
  /**
   * Register `/system/async*` here too, behind `access.authorizeSystem`. The real gateway sets false and mounts
   * `systemAsyncRoutes` inside its basic-auth `/system` scope instead (async-plugins.ts). @defaultValue true
   */
  readonly includeSystemRoutes?: boolean;
  /** Clock, for tests. */
  readonly now?: () => number;
  /** Called after a job is stored (not awaited): lets a function scaled to zero start before the worker calls it. */
  readonly onEnqueued?: (fn: QualifiedName) => void;
  /** Where X-Callback-Url may point (gateway config `callback_*`). @defaultValue DEFAULT_CALLBACK_POLICY */
  readonly callbackPolicy?: CallbackPolicy;
}

export type AsyncAccess = Pick<GatewaySupport, 'resolveFunction' | 'authorizeInvocation' | 'authorizeSystem'>;

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

  /** 404 for an unknown function, 401 for a private one without the gateway's credentials: as `/function/`. */
  function authorizeInvocation(request: FastifyRequest, raw: string): Promise<QualifiedName> {
    return options.access.authorizeInvocation(raw, request.headers.authorization);
  }

  async function enqueue(request: FastifyRequest, reply: FastifyReply, fn: QualifiedName, subPath: string | undefined): Promise<FastifyReply> {
    const callbackUrl = parseCallbackUrl(request.headers[HEADERS.callbackUrl], options.callbackPolicy);
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
    handler: async (request, reply) => enqueue(request, reply, await authorizeInvocation(request, request.params.name), request.params['*']),
  });
  app.route<{ Params: { name: string } }>({
    method: [...INVOKE_METHODS],
    url: '/async-function/:name',
    ...routeOptions,
    handler: async (request, reply) => {
      if (request.method === 'DELETE' && options.access.resolveFunction(request.params.name) === undefined) {
        // Cancelling someone's call is an operator action: the credentials of `/system/*`.
        options.access.authorizeSystem(request.headers.authorization);
        await options.queuer.cancel(request.params.name);
        return reply.code(202).header(HEADERS.callId, request.params.name).send();
      }
      return enqueue(request, reply, await authorizeInvocation(request, request.params.name), undefined);
    },
  });

  if (options.includeSystemRoutes === false) return;
  const authenticate: onRequestHookHandler = async (request) => options.access.authorizeSystem(request.headers.authorization);
  await app.register(systemAsyncRoutes, { queuer: options.queuer, defaultNamespace, authenticate });
};

/** Maps Fastify's own errors (body too large, bad content) onto registry codes; the body is `toBody()`. */
export function sendPlatformError(this: unknown, err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toPlatformError(err);
  if (error.statusCode >= 500) request.log.error({ err }, 'async route failed');
  const callId = request.headers[HEADERS.callId];
  const id = typeof callId === 'string' ? callId : undefined;
  // The gateway's error headers: a 401 carries the same basic-auth challenge as `/function/` and `/system/*`.
  return reply.code(error.statusCode).headers(errorHeaders(error, id)).send(error.toBody(id));
}

function toPlatformError(err: unknown): FuntainerError {
  const fastifyError = err as { code?: unknown; statusCode?: unknown } | undefined;
  if (fastifyError?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new FuntainerError('FUNTAINER_ERR_BODY_TOO_LARGE');
  if (!(err instanceof FuntainerError) && typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', undefined, { cause: err });
  }
  return toFuntainerError(err);
}
