/**
 * What other route plugins (the async routes in gateway/src/async/) need from the gateway so they do not
 * re-implement the invocation path's rules: function resolution (+ private-function auth), call ids, the
 * error → reply mapping and JSON body parsing. Plugins passed as `extraRoutes` receive it as
 * `opts.gateway`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { FuntainerError } from '@funtainer/core/errors';
import type { QualifiedName } from '@funtainer/core/names';
import type { BasicAuth } from './auth/basic-auth.js';
import { frameworkFailure, sendFuntainerError } from './errors.js';
import type { FunctionTable } from './functions/function-table.js';

export { parseJsonBody } from './routes/request-parsing.js';
export { frameworkFailure, sendFuntainerError } from './errors.js';

export interface GatewaySupport {
  /** `echo` / `echo.staging` → the function, or undefined when it does not exist. */
  resolveFunction(rawName: string): QualifiedName | undefined;
  /**
   * Resolves and authorises an invocation as `/function/` does: FUNCTION_NOT_FOUND (404) for unknown
   * functions, UNAUTHORIZED (401) for a private function without the gateway's credentials.
   */
  authorizeInvocation(rawName: string, authorization: string | undefined): Promise<QualifiedName>;
  /** Throws UNAUTHORIZED (401) unless `authorization` passes what `/system/*` demands (nothing when basic auth is off). */
  authorizeSystem(authorization: string | undefined): void;
  newCallId(): string;
  /** Sends any error as `{code,message,statusCode,callId}` + `X-OpenFaaS-Internal: gateway`. */
  sendError(reply: FastifyReply, error: unknown, callId?: string): FastifyReply;
  readonly functionNamespace: string;
}

/** Options every extra route plugin is registered with. */
export interface GatewayPluginOptions {
  readonly gateway: GatewaySupport;
}

export const newCallId = (): string => randomUUID();

export function createGatewaySupport(functions: FunctionTable, auth: BasicAuth, functionNamespace: string): GatewaySupport {
  return {
    resolveFunction(rawName) {
      return functions.resolve(rawName)?.fn;
    },
    async authorizeInvocation(rawName, authorization) {
      const route = functions.resolve(rawName);
      if (route === undefined) throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${rawName}" not found`);
      if (!route.settingsLoaded) await functions.loadSettings(route);
      if (route.settings.isPrivate && !auth.verify(authorization)) throw new FuntainerError('FUNTAINER_ERR_UNAUTHORIZED');
      return route.fn;
    },
    authorizeSystem(authorization) {
      if (!auth.verify(authorization)) throw new FuntainerError('FUNTAINER_ERR_UNAUTHORIZED', 'invalid credentials');
    },
    newCallId,
    sendError(reply, error, callId) {
      return sendFuntainerError(reply, frameworkFailure(error), callId);
    },
    functionNamespace,
  };
}
