/**
 * Loads a module-mode handler file: CommonJS (`module.exports = async (event, context) => ...`, what OpenFaaS node
 * templates write) through require, ESM (default export) through import().
 *
 * require comes from createRequire(handler path) rather than the ambient one, because the bundled and single
 * executable builds have no usable ambient require for user files.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WatchdogError, WATCHDOG_ERROR_CODES } from '../errors.js';
import type { FunctionContext } from './module-context.js';
import type { FunctionEvent } from './module-event.js';

export type HandlerCallback = (err: unknown, value?: unknown) => void;
export type ModuleHandler = (event: FunctionEvent, context: FunctionContext, callback: HandlerCallback) => unknown;

export async function loadHandler(handlerPath: string): Promise<ModuleHandler> {
  const absolute = resolve(handlerPath);
  let loaded: unknown;
  try {
    loaded = absolute.endsWith('.mjs') ? await importModule(absolute) : await requireOrImport(absolute);
  } catch (cause) {
    throw new WatchdogError(WATCHDOG_ERROR_CODES.handlerInvalid, `cannot load handler ${absolute}`, { cause });
  }
  const handler = pickHandler(loaded);
  if (handler === undefined) {
    throw new WatchdogError(
      WATCHDOG_ERROR_CODES.handlerInvalid,
      `handler ${absolute} exports no function (use module.exports = async (event, context) => ... or export default)`,
    );
  }
  return handler;
}

async function requireOrImport(absolute: string): Promise<unknown> {
  try {
    return createRequire(absolute)(absolute);
  } catch (err) {
    // An ES module (package "type": "module" or ESM syntax in .js) cannot be required on Node 20.
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_REQUIRE_ESM' || err instanceof SyntaxError) return importModule(absolute);
    throw err;
  }
}

function importModule(absolute: string): Promise<unknown> {
  return import(pathToFileURL(absolute).href);
}

/** Accepts a function, `{ default: fn }` (ESM or transpiled CJS), or `{ default: { default: fn } }` (import of CJS). */
function pickHandler(loaded: unknown): ModuleHandler | undefined {
  let candidate = loaded;
  for (let depth = 0; depth < 3; depth++) {
    if (typeof candidate === 'function') return candidate as ModuleHandler;
    if (candidate === null || typeof candidate !== 'object' || !('default' in candidate)) return undefined;
    candidate = (candidate as { default: unknown }).default;
  }
  return undefined;
}
