/**
 * The raw node:http handler for `/function/<name>[/<path>]`, served in front of Fastify: a plain handler plus an
 * undici Pool is the fastest proxy shape measured here (docs/performance-reference.md). It resolves the function
 * synchronously, checks private-function credentials, then hands the request to an Invocation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FuntainerError, toFuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import type { BasicAuth } from '../auth/basic-auth.js';
import { writeRawError } from '../errors.js';
import type { FunctionRoute } from '../functions/function-route.js';
import type { FunctionTable } from '../functions/function-table.js';
import { Invocation, type InvocationContext } from './invocation.js';
import { parseInvocationPath } from './invocation-path.js';

export interface InvokeHandlerDeps extends InvocationContext {
  readonly table: FunctionTable;
  readonly auth: BasicAuth;
}

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createInvokeHandler(deps: InvokeHandlerDeps): RawHandler {
  const { table, auth } = deps;

  function admit(req: IncomingMessage, res: ServerResponse, route: FunctionRoute, upstreamPath: string): void {
    if (route.settings.isPrivate && !auth.verify(req.headers.authorization)) {
      writeRawError(res, new FuntainerError('FUNTAINER_ERR_UNAUTHORIZED'), callIdOf(req, deps));
      return;
    }
    new Invocation(deps, req, res, route, upstreamPath).begin();
  }

  return function handleInvocation(req: IncomingMessage, res: ServerResponse): void {
    const target = parseInvocationPath(req.url as string);
    if (target === undefined) {
      writeRawError(res, new FuntainerError('FUNTAINER_ERR_NOT_FOUND', 'no function name in the path'), callIdOf(req, deps));
      return;
    }
    const route = table.resolve(target.rawName);
    if (route === undefined) {
      writeRawError(res, new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${target.rawName}" not found`), callIdOf(req, deps));
      return;
    }
    if (route.settingsLoaded) {
      admit(req, res, route, target.upstreamPath);
      return;
    }
    // First request to this function since the gateway started: its labels decide timeout and privacy.
    table.loadSettings(route).then(
      () => admit(req, res, route, target.upstreamPath),
      (error: unknown) => writeRawError(res, toFuntainerError(error), callIdOf(req, deps)),
    );
  };
}

function callIdOf(req: IncomingMessage, deps: InvocationContext): string {
  const given = req.headers[HEADERS.callId];
  return typeof given === 'string' && given !== '' ? given : deps.newCallId();
}
