/**
 * Basic auth for the routes registered inside the scope this hook is added to (the `/system/*` API).
 * When auth is off the hook is not installed at all, so faas-cli's empty `Authorization: Bearer` is ignored.
 */
import type { FastifyInstance } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';
import type { BasicAuth } from '../auth/basic-auth.js';

export function requireBasicAuth(scope: FastifyInstance, auth: BasicAuth): void {
  if (!auth.enabled) return;
  scope.addHook('onRequest', async (request) => {
    if (!auth.verify(request.headers.authorization)) throw new FuntainerError('FUNTAINER_ERR_UNAUTHORIZED', 'invalid credentials');
  });
}
