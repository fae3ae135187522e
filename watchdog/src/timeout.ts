/**
 * Per-request time limit (of-watchdog executor/http_runner.go getTimeout, applied to every mode here).
 *
 * A client may ask for less time with X-Timeout but never for more than exec_timeout; a zero or unparsable header is
 * ignored so it can neither disable nor extend the operator's limit.
 */
import { parseDurationMs } from '@funtainer/core/env-values';

/** Milliseconds the invocation may run; 0 means no limit (exec_timeout=0 and no usable header). */
export function effectiveTimeoutMs(execTimeoutMs: number, xTimeout: string | string[] | undefined): number {
  if (xTimeout === undefined || execTimeoutMs <= 0) return execTimeoutMs;
  const raw = typeof xTimeout === 'string' ? xTimeout : xTimeout[0];
  if (raw === undefined) return execTimeoutMs;
  const requested = parseDurationMs(raw);
  if (requested === undefined || requested <= 0 || requested > execTimeoutMs) return execTimeoutMs;
  return requested;
}
