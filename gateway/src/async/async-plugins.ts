/**
 * How the gateway mounts the async routes, defined once for main.ts (extensions.ts) and the integration tests'
 * gateway (test/helpers/processes-gateway.ts), so the tests exercise the production wiring and its access rules:
 * `/async-function/*` at the root, checked by the gateway's own invocation and `/system/*` checks; `/system/async*`
 * inside the gateway's basic-auth `/system` scope.
 */
import type { CallbackPolicy } from '@funtainer/core/callback-policy';
import type { QualifiedName } from '@funtainer/core/names';
import type { GatewayDeps } from '../app.js';
import { asyncRoutes } from './async-routes.js';
import type { RequestQueuer } from './request-queuer.js';
import { systemAsyncRoutes } from './system-async-routes.js';

export interface AsyncPluginOptions {
  readonly queuer: RequestQueuer;
  /** Largest stored request body (413 above). */
  readonly maxBodyBytes: number;
  /** Called after a job is stored (not awaited), e.g. to wake a function scaled to zero. */
  readonly onEnqueued?: (fn: QualifiedName) => void;
  /** Where X-Callback-Url may point (gateway config `callback_*`). @defaultValue DEFAULT_CALLBACK_POLICY */
  readonly callbackPolicy?: CallbackPolicy;
}

export type AsyncPlugins = Required<Pick<GatewayDeps, 'extraRoutes' | 'systemRoutes'>>;

export function asyncPlugins(options: AsyncPluginOptions): AsyncPlugins {
  const { queuer } = options;
  return {
    extraRoutes: [
      async (app, { gateway }) => {
        await app.register(asyncRoutes, {
          queuer,
          access: gateway,
          maxBodyBytes: options.maxBodyBytes,
          defaultNamespace: gateway.functionNamespace,
          includeSystemRoutes: false,
          ...(options.onEnqueued ? { onEnqueued: options.onEnqueued } : {}),
          ...(options.callbackPolicy ? { callbackPolicy: options.callbackPolicy } : {}),
        });
      },
    ],
    systemRoutes: [async (app, { gateway }) => app.register(systemAsyncRoutes, { queuer, defaultNamespace: gateway.functionNamespace })],
  };
}
