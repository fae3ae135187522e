/**
 * pino options shared by every Funtainer service: JSON lines, a `service` field, and redaction of anything
 * that can carry credentials (authorization headers, secrets, passwords) wherever it appears.
 */
import type { LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'headers["x-api-key"]',
  'headers.cookie',
  'config.basicAuthPassword',
  'password',
  'secret',
  'value',
  'rawValue',
  '*.password',
  '*.secret',
  '*.value',
  '*.rawValue',
];

export function loggerOptions(service: string, level = 'info'): LoggerOptions {
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}
