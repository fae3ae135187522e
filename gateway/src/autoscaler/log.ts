/**
 * The logging surface the autoscaler uses: structured object first, message second. pino's Logger and Fastify's
 * `app.log` satisfy it, so the gateway passes `app.log.child({ component: 'autoscaler' })`.
 */
export interface AutoscalerLog {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const ignore = (): void => undefined;

/** Discards everything; the default so components can be built in tests without a logger. */
export const silentLog: AutoscalerLog = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });
