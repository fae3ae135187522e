/** Header names shared by gateway, watchdog and queue-worker (lower-case, as node:http presents them). */
export const HEADERS = Object.freeze({
  callId: 'x-call-id',
  startTime: 'x-start-time',
  durationSeconds: 'x-duration-seconds',
  callbackUrl: 'x-callback-url',
  functionStatus: 'x-function-status',
  functionName: 'x-function-name',
  timeout: 'x-timeout',
  servedBy: 'x-served-by',
  /** Marks responses produced by the platform rather than the function (OpenFaaS uses X-OpenFaaS-Internal). */
  internal: 'x-openfaas-internal',
  retryAfter: 'retry-after',
  forwardedFor: 'x-forwarded-for',
  forwardedHost: 'x-forwarded-host',
  /** Scheduled calls (core/schedule-records.ts): the connector, the cron expression and the tick (ISO time). */
  connector: 'x-connector',
  schedule: 'x-funtainer-schedule',
  tick: 'x-funtainer-tick',
  /** Only when the schedule has a `timezone` annotation (IANA name, as BullMQ applies it). */
  timezone: 'x-funtainer-timezone',
  /** Topic events (core/topics.ts): the topic on every delivered call; the event id on publish and delivery. */
  topic: 'x-topic',
  eventId: 'x-funtainer-event-id',
});

/** Hop-by-hop headers (RFC 9110 §7.6.1) that a proxy must not forward. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
