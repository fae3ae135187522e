/**
 * The error the gateway client throws. Every message names the cause and the fix, because the CLI prints it
 * verbatim to a person, and the queue-worker logs it for an operator.
 */

export interface GatewayErrorOptions {
  /** HTTP status the gateway answered with; undefined when no answer arrived (network failure, timeout). */
  status?: number | undefined;
  /** The gateway's stable error `code` from its JSON error body, when it sent one. */
  code?: string | undefined;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.code = options.code;
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** What the request was, so an error can say which call failed. */
export interface RequestDescription {
  readonly baseUrl: string;
  readonly method: string;
  readonly path: string;
}

interface GatewayErrorBody {
  code?: string;
  message?: string;
}

/** The gateway answers errors as `{code,message,statusCode}`; OpenFaaS-style providers answer plain text. */
function parseErrorBody(text: string): GatewayErrorBody {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed && typeof parsed === 'object') {
        const { code, message } = parsed as Record<string, unknown>;
        return {
          code: typeof code === 'string' ? code : undefined,
          message: typeof message === 'string' ? message : undefined,
        };
      }
    } catch {
      // not JSON after all: fall through and use it as text
    }
  }
  return { message: trimmed.slice(0, 500) || undefined };
}

function hintForStatus(status: number, baseUrl: string): string {
  switch (status) {
    case 401:
      return `run "funtainer login -g ${baseUrl}" (or pass -u/-p, or set FUNTAINER_USER/FUNTAINER_PASSWORD)`;
    case 403:
      return 'the credentials are valid but not allowed to do this';
    case 404:
      return 'check the name with "funtainer list"';
    case 413:
      return 'send a smaller body';
    case 429:
      return 'the function is at its concurrency limit; retry later';
    case 502:
    case 503:
    case 504:
      return 'check the function with "funtainer describe" and "funtainer logs"';
    default:
      return status >= 500 ? 'check the gateway logs' : 'fix the request';
  }
}

/** Builds the error for a non-success HTTP answer. */
export function errorFromResponse(req: RequestDescription, status: number, bodyText: string): GatewayError {
  const body = parseErrorBody(bodyText);
  const what = body.message ?? `HTTP ${status}`;
  const code = body.code ? ` [${body.code}]` : '';
  const message = `${req.method} ${req.path} failed with ${status}${code}: ${what}; ${hintForStatus(status, req.baseUrl)}`;
  return new GatewayError(message, { status, code: body.code });
}

/** Node's fetch hides the socket error one or two `cause`s deep. */
function systemErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Builds the error for a request that got no HTTP answer. */
export function errorFromNetwork(req: RequestDescription, err: unknown, timeoutMs: number): GatewayError {
  const name = err && typeof err === 'object' ? (err as { name?: unknown }).name : undefined;
  if (name === 'TimeoutError') {
    return new GatewayError(
      `${req.method} ${req.path}: the gateway at ${req.baseUrl} did not answer within ${timeoutMs} ms; check that it is healthy ("funtainer status") or raise --timeout`,
      { cause: err, code: 'ETIMEDOUT' },
    );
  }
  if (name === 'AbortError') return new GatewayError(`${req.method} ${req.path}: cancelled`, { cause: err, code: 'ABORTED' });
  const sys = systemErrorCode(err);
  if (sys === 'ECONNREFUSED' || sys === 'ECONNRESET' || sys === 'EHOSTUNREACH') {
    return new GatewayError(
      `cannot reach the gateway (${sys}): is the gateway running at ${req.baseUrl}? start it with "npm start", or point -g/--gateway or FUNTAINER_URL at it`,
      { cause: err, code: sys },
    );
  }
  if (sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') {
    return new GatewayError(`cannot resolve the gateway host in ${req.baseUrl} (${sys}); check -g/--gateway or FUNTAINER_URL`, { cause: err, code: sys });
  }
  // fetch's own message is just "fetch failed"; the reason (e.g. "bad port") is on its cause
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const detail = err instanceof Error ? `${err.message}${cause}` : String(err);
  return new GatewayError(`${req.method} ${req.path} to ${req.baseUrl} failed: ${detail}${sys ? ` (${sys})` : ''}`, { cause: err, code: sys });
}
