/**
 * Turning system-API input into typed values: JSON bodies through the core zod schemas (bad JSON and bad
 * fields get distinct codes, fields named in `field: message` lines) and namespace/name parameters.
 */
import type { z } from 'zod';
import { describeIssues } from '@funtainer/core/contracts';
import { FuntainerError } from '@funtainer/core/errors';
import { isValidName, parseQualifiedName, type QualifiedName } from '@funtainer/core/names';

/** Bodies arrive as Buffers (see app.ts content-type parser); undefined when the request had none. */
export function parseJsonBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  let value: unknown;
  try {
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
    value = JSON.parse(text);
  } catch {
    throw new FuntainerError('FUNTAINER_ERR_BAD_JSON');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new FuntainerError('FUNTAINER_ERR_INVALID_SPEC', issues.join('\n'), { details: { issues } });
  }
  return result.data;
}

/** `?namespace=` (or a body field); absent/empty → the gateway's function_namespace. */
export function namespaceOrDefault(raw: unknown, defaultNamespace: string): string {
  if (raw === undefined || raw === '') return defaultNamespace;
  if (typeof raw !== 'string' || !isValidName(raw)) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_NAME', `namespace "${String(raw)}" is not a valid DNS-1123 label`);
  }
  return raw;
}

/** A function named in a path (`echo` or `echo.staging`); an explicit namespace parameter wins over the suffix. */
export function functionFromPath(rawName: string, namespace: unknown, defaultNamespace: string): QualifiedName {
  const explicit = namespace === undefined || namespace === '' ? undefined : namespaceOrDefault(namespace, defaultNamespace);
  const parsed = explicit !== undefined && isValidName(rawName) ? { name: rawName, namespace: explicit } : parseQualifiedName(rawName, explicit ?? defaultNamespace);
  if (parsed === undefined) {
    throw new FuntainerError('FUNTAINER_ERR_INVALID_NAME', `function name "${rawName}" is not a valid DNS-1123 label`);
  }
  return parsed;
}

/** `?tail=` style integers; negative means "all" as in OpenFaaS. */
export function optionalInt(raw: unknown, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `${field}: "${String(raw)}" is not an integer`);
  return n;
}
