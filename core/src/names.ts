/** Function and namespace naming rules shared by the gateway, the CLI and stack.yml parsing. */

/** DNS-1123 label: what Docker, Kubernetes and faas-cli all accept as a function name. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_NAME_LENGTH = 63;

/** faas-cli appends this namespace to every invocation (`/function/echo.openfaas-fn`). */
export const DEFAULT_NAMESPACE = 'openfaas-fn';

export interface QualifiedName {
  readonly name: string;
  readonly namespace: string;
}

/**
 * Splits `name.namespace` on the LAST dot, as the OpenFaaS gateway does; no dot → the default namespace.
 * Returns undefined when either part is not a valid DNS-1123 label.
 */
export function parseQualifiedName(raw: string, defaultNamespace = DEFAULT_NAMESPACE): QualifiedName | undefined {
  const dot = raw.lastIndexOf('.');
  const name = dot === -1 ? raw : raw.slice(0, dot);
  const namespace = dot === -1 ? defaultNamespace : raw.slice(dot + 1);
  if (!isValidName(name) || !isValidName(namespace)) return undefined;
  return { name, namespace };
}

export function isValidName(value: string): boolean {
  return value.length > 0 && value.length <= MAX_NAME_LENGTH && DNS1123_LABEL.test(value);
}

/** The `function_name` label value used in metrics: always `name.namespace`. */
export function metricName(q: QualifiedName): string {
  return `${q.name}.${q.namespace}`;
}
