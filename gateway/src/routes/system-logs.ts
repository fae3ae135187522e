/**
 * `GET /system/logs` as faas-cli calls it (`?name=&namespace=&follow=&tail=&since=&instance=`): NDJSON lines
 * `{name,namespace,instance,timestamp,text}` streamed as the provider yields them. When the client goes
 * away the provider's iteration is aborted through the query's signal.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { parseBoolean } from '@funtainer/core/env-values';
import { FuntainerError } from '@funtainer/core/errors';
import type { LogEntry, LogQuery } from '../provider/provider.js';
import { methodTable } from './method-table.js';
import { functionFromPath, optionalInt } from './request-parsing.js';
import type { RouteDeps } from './route-deps.js';

type LogsQueryString = Partial<Record<'name' | 'namespace' | 'instance' | 'tail' | 'follow' | 'since', string>>;

export function parseLogQuery(query: LogsQueryString, defaultNamespace: string, signal: AbortSignal): LogQuery {
  if (query.name === undefined || query.name === '') throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'name: the function name is required');
  const fn = functionFromPath(query.name, query.namespace, defaultNamespace);
  const follow = query.follow === undefined || query.follow === '' ? false : parseBoolean(query.follow);
  if (follow === undefined) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `follow: "${query.follow}" is not a boolean`);
  let since: Date | undefined;
  if (query.since !== undefined && query.since !== '') {
    since = new Date(query.since);
    if (Number.isNaN(since.getTime())) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `since: "${query.since}" is not an RFC3339 time`);
  }
  const tail = optionalInt(query.tail, 'tail');
  return { ...fn, follow, signal, ...(since ? { since } : {}), ...(tail !== undefined && tail >= 0 ? { tail } : {}) };
}

async function* ndjson(entries: AsyncIterable<LogEntry>, instance: string | undefined): AsyncGenerator<string> {
  for await (const entry of entries) {
    if (instance === undefined || instance === '' || entry.instance === instance) yield `${JSON.stringify(entry)}\n`;
  }
}

export function systemLogRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { provider, config } = deps;
  return async (app) => {
    methodTable(app, '/system/logs', {
      GET: async (request, reply) => {
        const stop = new AbortController();
        const query = parseLogQuery(request.query as LogsQueryString, config.functionNamespace, stop.signal);
        if (provider.endpoints(query) === undefined) {
          throw new FuntainerError('FUNTAINER_ERR_FUNCTION_NOT_FOUND', `function "${query.name}" not found in namespace "${query.namespace}"`);
        }
        reply.raw.once('close', () => stop.abort());
        const lines = Readable.from(ndjson(provider.logs(query), (request.query as LogsQueryString).instance));
        return reply.type('application/x-ndjson').send(lines);
      },
    });
  };
}
