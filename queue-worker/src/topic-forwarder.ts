/**
 * Hands a stream entry to the gateway's `POST /system/topics/<topic>`, which finds the subscribers and queues
 * their calls — one fan-out, deduplication and publish metric for HTTP and stream events alike, and subscribers
 * resolved by the component that owns the function definitions. A 202 means every call is stored in Redis, and
 * only then does the consumer XACK the entry.
 */
import { Pool } from 'undici';
import { HEADERS } from '@funtainer/core/headers';
import { networkErrorCode } from './errors.js';
import type { TopicEventRequest } from './topic-stream-entry.js';

/** published: acknowledge. rejected: the gateway will never take it (dead-letter it). retry: leave it pending. */
export type ForwardOutcome = { readonly kind: 'published' } | { readonly kind: 'rejected' | 'retry'; readonly reason: string };

export interface TopicForwarder {
  forward(topic: string, event: TopicEventRequest): Promise<ForwardOutcome>;
  close(): Promise<void>;
}

/**
 * PURE. 4xx are final except those a fix elsewhere cures without touching the entry: credentials (401/403), a
 * gateway without the route yet (404: async off or an older gateway), timeouts and rate limits (408/429).
 */
export function classifyStatus(statusCode: number): ForwardOutcome['kind'] {
  if (statusCode === 202) return 'published';
  if (statusCode >= 400 && statusCode < 500 && ![401, 403, 404, 408, 429].includes(statusCode)) return 'rejected';
  return 'retry';
}

export function createTopicForwarder(gatewayUrl: string, authorization: string | undefined, timeoutMs = 10_000): TopicForwarder {
  const pool = new Pool(gatewayUrl, { connections: 8 });
  return {
    async forward(topic, event) {
      try {
        const res = await pool.request({
          method: 'POST',
          path: `/system/topics/${encodeURIComponent(topic)}`,
          headers: {
            'content-type': event.contentType,
            [HEADERS.eventId]: event.eventId,
            'user-agent': 'funtainer/queue-worker',
            ...(authorization ? { authorization } : {}),
          },
          body: event.body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const body = await res.body.text();
        const kind = classifyStatus(res.statusCode);
        if (kind === 'published') return { kind };
        // The gateway's coded body names what was wrong (e.g. FUNTAINER_ERR_BODY_TOO_LARGE).
        return { kind, reason: `gateway answered ${res.statusCode} ${body.slice(0, 300)}` };
      } catch (err) {
        return { kind: 'retry', reason: `gateway unreachable (${networkErrorCode(err)})` };
      }
    },
    close: () => pool.close(),
  };
}
