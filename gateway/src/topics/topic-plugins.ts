/**
 * How the gateway mounts topics, defined once for main.ts (extensions.ts) and the integration tests' gateway
 * (test/helpers/processes-gateway.ts): the publish routes inside the basic-auth `/system` scope, the
 * subscriber cache, and the hook that drops it when this gateway changes a function.
 */
import type { Registry } from 'prom-client';
import type { CallbackPolicy } from '@funtainer/core/callback-policy';
import type { QualifiedName } from '@funtainer/core/names';
import type { GatewayDeps } from '../app.js';
import type { RequestQueuer } from '../async/request-queuer.js';
import type { FunctionProvider } from '../provider/provider.js';
import { createTopicMetrics } from './topic-metrics.js';
import { createTopicPublisher } from './topic-publish.js';
import { topicRoutes } from './topic-routes.js';
import { createTopicSubscribers } from './topic-subscribers.js';

export interface TopicPluginOptions {
  readonly queuer: RequestQueuer;
  readonly provider: Pick<FunctionProvider, 'namespaces' | 'list'>;
  readonly registry: Registry;
  /** gateway config `topic_subscribers_ttl`. */
  readonly subscribersTtlMs: number;
  /** The async body limit: an event's body is stored with each subscriber's call. */
  readonly maxBodyBytes: number;
  readonly callbackPolicy?: CallbackPolicy;
  readonly onEnqueued?: (fn: QualifiedName) => void;
}

export type TopicPlugins = Required<Pick<GatewayDeps, 'systemRoutes' | 'onFunctionChanged'>>;

export function topicPlugins(options: TopicPluginOptions): TopicPlugins {
  const subscribers = createTopicSubscribers({ provider: options.provider, ttlMs: options.subscribersTtlMs });
  const publish = createTopicPublisher({
    subscribers,
    queuer: options.queuer,
    metrics: createTopicMetrics(options.registry),
    ...(options.onEnqueued ? { onEnqueued: options.onEnqueued } : {}),
  });
  const routes = topicRoutes({ publish, subscribers, maxBodyBytes: options.maxBodyBytes, callbackPolicy: options.callbackPolicy });
  return {
    systemRoutes: [async (app) => app.register(routes)],
    onFunctionChanged: () => subscribers.invalidate(),
  };
}
