/**
 * Fastify's error and not-found handlers, installed at the root so every route (system, async, extras)
 * answers errors the same way: mapped once by errors.ts, logged once here (5xx only; 4xx are the caller's).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';
import { frameworkFailure, sendFuntainerError } from '../errors.js';

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const failure = frameworkFailure(error);
    if (failure.statusCode >= 500) request.log.error({ err: error, code: failure.code }, 'request failed');
    return sendFuntainerError(reply, failure, request.id);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return sendFuntainerError(reply, new FuntainerError('FUNTAINER_ERR_NOT_FOUND', `no route for ${request.method} ${path}`), request.id);
  });
}

/**
 * Fastify's `frameworkErrors` option: errors raised before routing (a path parameter over maxParamLength, a
 * malformed URL) would otherwise get Fastify's own body; they get ours instead.
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  void sendFuntainerError(reply, frameworkFailure(error), request.id);
}
