/**
 * `/system/async*`: status, the paged dead-letter list and redrive. Registered by async-routes.ts as a child
 * plugin so an `authenticate` hook applies to these routes only (never to `/async-function/*`, which is open
 * in OpenFaaS).
 */
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { parseQualifiedName } from '@funtainer/core/names';
import { ASYNC_CALL_STATES, type RequestQueuer } from './request-queuer.js';

export interface SystemAsyncRoutesOptions {
  readonly queuer: RequestQueuer;
  readonly defaultNamespace: string;
  readonly authenticate?: onRequestHookHandler;
}

export const MAX_PAGE_SIZE = 500;

const intParam = (fallback: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a non-negative integer' })
    .transform(Number)
    .pipe(z.number().max(max, { error: `must be at most ${max}` }))
    .optional()
    .transform((v) => v ?? fallback);

const ListQuerySchema = z.object({
  function: z.string().min(1).optional(),
  state: z.enum(ASYNC_CALL_STATES as [string, ...string[]]).default('failed'),
  offset: intParam(0, Number.MAX_SAFE_INTEGER),
  limit: intParam(50, MAX_PAGE_SIZE),
});

export const systemAsyncRoutes: FastifyPluginAsync<SystemAsyncRoutesOptions> = async (app, { queuer, defaultNamespace, authenticate }) => {
  if (authenticate) app.addHook('onRequest', authenticate);

  app.get<{ Params: { callId: string } }>('/system/async/:callId', async (request) => {
    const status = await queuer.status(request.params.callId);
    if (!status) throw new FuntainerError('FUNTAINER_ERR_JOB_NOT_FOUND');
    return status;
  });

  app.get('/system/async', async (request) => {
    const parsed = ListQuerySchema.safeParse(request.query);
    if (!parsed.success) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', describeIssues(parsed.error).join('; '));
    const { function: rawFn, state, offset, limit } = parsed.data;
    let fn: string | undefined;
    if (rawFn !== undefined) {
      const q = parseQualifiedName(rawFn, defaultNamespace);
      if (!q) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `function: "${rawFn}" is not a valid function name`);
      fn = `${q.name}.${q.namespace}`;
    }
    const page = await queuer.list({ ...(fn ? { function: fn } : {}), state: state as (typeof ASYNC_CALL_STATES)[number], offset, limit });
    return { ...page, offset, limit };
  });

  app.post<{ Params: { callId: string } }>('/system/async/:callId/retry', async (request, reply) => {
    await queuer.retry(request.params.callId);
    return reply.code(202).send({ callId: request.params.callId, state: 'queued' });
  });
};
