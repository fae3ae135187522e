/**
 * The gateway's /system API as the UI uses it. Same origin, so the browser adds the basic-auth credentials the
 * user gave at its prompt. Every failure becomes an ApiError whose message is what the page shows: the
 * gateway's own `{code, message}` when it sent one, so a 400 reads e.g. "service: must be a DNS-1123 label".
 */

/** Management calls are quick; a hung connection must end as a visible error, not a spinner forever. */
const API_TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The message of a platform error body (`{code,message}`), else the raw text, else the status line. */
export function describeFailure(response, text) {
  let code;
  let message = text.trim();
  try {
    const body = JSON.parse(text);
    if (body !== null && typeof body === 'object' && typeof body.message === 'string') {
      message = body.message;
      code = typeof body.code === 'string' ? body.code : undefined;
    }
  } catch {
    // Not JSON (a function's own error, a proxy page): the text itself is the message.
  }
  const prefix = `${response.status} ${code ?? response.statusText}`.trim();
  return { code, message: message ? `${prefix}: ${message}` : prefix };
}

/** Sends `body` as JSON when given; returns the parsed JSON answer, or undefined for an empty one (202). */
export async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' }, signal: AbortSignal.timeout(API_TIMEOUT_MS) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, `${method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    const { code, message } = describeFailure(response, text);
    throw new ApiError(response.status, message, code);
  }
  return text === '' ? undefined : JSON.parse(text);
}

const fnPath = (name) => encodeURIComponent(name);

/**
 * The namespace the page works in (the selector in the header); every function call below names it, as
 * faas-cli's `-n` does. Undefined until the namespace list arrived: the gateway's function_namespace then.
 */
let currentNamespace;
export function setNamespace(namespace) {
  currentNamespace = namespace;
}
export const namespaceQuery = () => (currentNamespace ? `?namespace=${encodeURIComponent(currentNamespace)}` : '');
/** `name.namespace`, the one path segment /function/ and /async-function/ take. */
export const invocationName = (name) => (currentNamespace ? `${name}.${currentNamespace}` : name);
const inNamespace = (body) => (currentNamespace ? { ...body, namespace: currentNamespace } : body);

export const listNamespaces = () => api('GET', '/system/namespaces');
export const listFunctions = () => api('GET', `/system/functions${namespaceQuery()}`);
export const getFunction = (name) => api('GET', `/system/function/${fnPath(name)}${namespaceQuery()}`);
export const deployFunction = (spec) => api('POST', '/system/functions', inNamespace(spec));
export const scaleFunction = (name, replicas) => api('POST', `/system/scale-function/${fnPath(name)}${namespaceQuery()}`, inNamespace({ serviceName: name, replicas }));
export const deleteFunction = (name) => api('DELETE', '/system/functions', inNamespace({ functionName: name }));
export const gatewayInfo = () => api('GET', '/system/info');
