/**
 * `/system/topics*`, inside the gateway's basic-auth `/system` scope:
 *
 *   POST /system/topics/<topic>   body and Content-Type passed to every subscriber → 202 TopicPublishResult
 *   GET  /system/topics           [{topic, subscribers: ['name.namespace', …]}] — who would get an event now
 *
 * `X-Funtainer-Event-Id` names the event (else a UUID is chosen); a publish repeated with the same id queues
 * nothing new (topic-publish.ts). The id is echoed in the 202 and in the details of a 503, so a client that let
 * the gateway choose can still retry safely. `X-Callback-Url` works as on `/async-function/`.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { CallbackPolicy } from '@funtainer/core/callback-policy';
import { FuntainerError, isFuntainerError } from '@funtainer/core/errors';
import { HEADERS } from '@funtainer/core/headers';
import { metricName } from '@funtainer/core/names';
import { isValidEventId, isValidTopicName, MAX_TOPIC_LENGTH } from '@funtainer/core/topics';
import { parseCallbackUrl } from '../async/async-request.js';
import { methodTable } from '../routes/method-table.js';
import type { TopicPublisher } from './topic-publish.js';
import type { TopicSubscribers } from './topic-subscribers.js';

export interface TopicRoutesOptions {
  readonly publish: TopicPublisher;
  readonly subscribers: Pick<TopicSubscribers, 'list'>;
  /** Largest event body (413 above): the async body limit, since the body is stored with every call. */
  readonly maxBodyBytes: number;
  readonly callbackPolicy?: CallbackPolicy | undefined;
}

export function topicFromPath(raw: string | undefined): string {
  if (raw === undefined || !isValidTopicName(raw)) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_TOPIC', `${JSON.stringify((raw ?? '').slice(0, 64))} is not a topic name (letters, digits and . _ -, starting with a letter or digit, at most ${MAX_TOPIC_LENGTH} characters)`, {
      details: { topic: (raw ?? '').slice(0, MAX_TOPIC_LENGTH) },
    });
  }
  return raw;
}

export function eventIdFrom(header: string | string[] | undefined): string {
  if (header === undefined) return randomUUID();
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !isValidEventId(value)) {
    throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', 'X-Funtainer-Event-Id must be 1-128 characters of letters, digits and . _ : ~ -', { details: { header: 'X-Funtainer-Event-Id' } });
  }
  return value;
}

export function topicRoutes(options: TopicRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    const publish = async (request: FastifyRequest, rawTopic: string | undefined) => {
      const topic = topicFromPath(rawTopic);
      const eventId = eventIdFrom(request.headers[HEADERS.eventId]);
      const callbackUrl = parseCallbackUrl(request.headers[HEADERS.callbackUrl], options.callbackPolicy);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        return await options.publish({ topic, eventId, headers: request.headers, body, callbackUrl });
      } catch (err) {
        if (!isFuntainerError(err)) throw err;
        throw new FuntainerError(err.code, err.message, { cause: err, details: { ...err.details, topic, eventId } });
      }
    };
    methodTable(
      app,
      '/system/topics/:topic',
      {
        POST: async (request, reply) => {
          const result = await publish(request, (request.params as { topic?: string }).topic);
          return reply.code(202).header(HEADERS.eventId, result.eventId).send(result);
        },
      },
      { bodyLimit: options.maxBodyBytes },
    );
    // `/system/topics/` (no name) is a publish to an empty topic: a coded 400, not a 404 for a missing route.
    methodTable(app, '/system/topics/', { POST: async (request) => publish(request, '') }, { bodyLimit: options.maxBodyBytes });
    methodTable(app, '/system/topics', {
      GET: async () =>
        [...(await options.subscribers.list())].map(([topic, fns]) => ({ topic, subscribers: fns.map(metricName) })).sort((a, b) => a.topic.localeCompare(b.topic)),
    });
  };
}
