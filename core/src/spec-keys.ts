/**
 * Key rules for the maps in a function definition. Each rule exists because the engine or a later stage
 * would otherwise fail or silently drop the entry: an env key with "=" is split by Docker into a different
 * name, a newline or NUL breaks the container's environment block, and a `__proto__` key would be swallowed
 * by object assignment instead of being stored.
 */

/** Docker accepts any env name without "=" or NUL; control characters break shells and the env block. */
const ENV_NAME = /^[^=\u0000-\u001f\u007f]+$/;
/** Label and annotation keys: Docker/Kubernetes style dotted or prefixed names (`com.openfaas.scale.min`, `example.com/team`). */
const LABEL_KEY = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
export const MAX_LABEL_KEY_LENGTH = 253;
export const MAX_ENV_NAME_LENGTH = 1024;
/** Keys that object assignment treats specially: accepting them would drop or corrupt the map. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function envNameProblem(key: string): string | undefined {
  if (key.length === 0) return 'environment variable names must not be empty';
  if (key.length > MAX_ENV_NAME_LENGTH) return `environment variable names must be at most ${MAX_ENV_NAME_LENGTH} characters`;
  if (RESERVED_KEYS.has(key)) return `"${key}" is not allowed as an environment variable name`;
  if (!ENV_NAME.test(key)) return `environment variable name ${JSON.stringify(key)} must not contain "=", newlines or control characters`;
  return undefined;
}

export function envValueProblem(value: string): string | undefined {
  return value.includes('\u0000') ? 'environment variable values must not contain NUL characters' : undefined;
}

export function labelKeyProblem(key: string): string | undefined {
  if (key.length === 0) return 'keys must not be empty';
  if (key.length > MAX_LABEL_KEY_LENGTH) return `keys must be at most ${MAX_LABEL_KEY_LENGTH} characters (got ${key.length})`;
  if (RESERVED_KEYS.has(key)) return `"${key}" is not allowed as a key`;
  if (!LABEL_KEY.test(key)) {
    return `key ${JSON.stringify(key.slice(0, 80))} must be letters, digits, ".", "_", "-" or "/", starting and ending with a letter or digit`;
  }
  return undefined;
}
