/**
 * Typed watchdog errors with stable codes. The codes are entries of the one registry in `core/src/errors.ts`
 * (never reused, what callers and tests compare against, never the message text); this file names the ones
 * the watchdog raises.
 */
import { FuntainerError } from '@funtainer/core/errors';
import { isUpstreamTimeout } from '@funtainer/core/proxy/call-abort';

export const WATCHDOG_ERROR_CODES = Object.freeze({
  /** Bad environment at boot; the message lists every problem. */
  configInvalid: 'FAAS_ERR_CONFIG_INVALID',
  /** The function did not finish within exec_timeout (or a shorter X-Timeout). */
  execTimeout: 'FAAS_ERR_EXEC_TIMEOUT',
  /** http mode: the upstream refused or dropped the connection. */
  upstreamUnavailable: 'FAAS_ERR_UPSTREAM_UNAVAILABLE',
  /** http mode: the long-lived function process exited. */
  childExited: 'FAAS_ERR_CHILD_EXITED',
  /** module mode: the handler file could not be loaded or exports no function. */
  handlerInvalid: 'FAAS_ERR_HANDLER_INVALID',
  /** module mode: the request body does not match its declared content type. */
  bodyInvalid: 'FAAS_ERR_BODY_INVALID',
  /** The request body exceeded what a buffering mode accepts. */
  bodyTooLarge: 'FAAS_ERR_BODY_TOO_LARGE',
  /** The lock file could not be written, so the watchdog cannot report itself healthy. */
  lockFile: 'FAAS_ERR_LOCK_FILE',
} as const);

export type WatchdogErrorCode = (typeof WATCHDOG_ERROR_CODES)[keyof typeof WATCHDOG_ERROR_CODES];

/** A FuntainerError whose code is one of the watchdog's; its status is what the watchdog answers with. */
export class WatchdogError extends FuntainerError {
  declare readonly code: WatchdogErrorCode;

  constructor(code: WatchdogErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WatchdogError';
  }
}

/** Raised by loadConfig with every problem found, so the operator fixes them in one round. */
export class ConfigError extends WatchdogError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(WATCHDOG_ERROR_CODES.configInvalid, `invalid watchdog configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

export function isWatchdogError(err: unknown, code?: WatchdogErrorCode): err is WatchdogError {
  return err instanceof WatchdogError && (code === undefined || err.code === code);
}

/**
 * http mode's one mapping of a failed upstream call: its deadline passed (504), or the function process could
 * not be reached or dropped the connection (500, of-watchdog's status). The foreign error stays as the cause.
 */
export function upstreamFailure(err: unknown): WatchdogError {
  if (err instanceof WatchdogError) return err;
  if (isUpstreamTimeout(err)) return new WatchdogError(WATCHDOG_ERROR_CODES.execTimeout, 'the function did not finish within exec_timeout', { cause: err });
  return new WatchdogError(WATCHDOG_ERROR_CODES.upstreamUnavailable, 'the function process refused or dropped the connection', { cause: err });
}
