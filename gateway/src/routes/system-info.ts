/**
 * `GET /system/info` (GatewayInfo shape faas-cli `version` prints; namespaces: system-namespaces.ts), and the open
 * `/healthz` and `/` → `/ui/` redirect.
 */
import type { FastifyPluginAsync } from 'fastify';
import { methodTable } from './method-table.js';
import type { RouteDeps } from './route-deps.js';

/** Go's GOARCH names, which OpenFaaS clients display. */
const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };

export function systemInfoRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { provider, config } = deps;
  const version = { release: config.release, sha: config.sha };
  return async (app) => {
    methodTable(app, '/system/info', {
      GET: async () => ({
        provider: { provider: provider.name, orchestration: 'docker', version },
        version: { ...version, commit_message: 'See the Funtainer changelog' },
        arch: GO_ARCH[process.arch] ?? process.arch,
      }),
    });
  };
}

export const healthRoutes: FastifyPluginAsync = async (app) => {
  methodTable(app, '/healthz', {
    GET: async (_request, reply) => reply.type('text/plain').send('OK'),
  });
  methodTable(app, '/', {
    GET: async (_request, reply) => reply.redirect('/ui/', 307),
  });
};
