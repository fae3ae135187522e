/**
 * `${VAR}`, `${VAR:-default}` and `${VAR:?message}` substitution in stack.yml values, as faas-cli does (its
 * --envsubst is on by default) and as a shell does for `:?` (a required variable: unset → fail with the message). Applied to the parsed document's string values rather than to the raw text, so a variable's value
 * can never inject YAML structure.
 */

export type EnvLookup = Readonly<Record<string, string | undefined>>;

// ${NAME}, ${NAME:-default} (default when unset or empty), ${NAME-default} (default when unset),
// ${NAME:?message} (error when unset or empty), ${NAME?message} (error when unset)
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** A `${NAME:?message}` whose variable is unset (or empty): the stack cannot be used, as in a shell. */
export class RequiredVariableError extends Error {
  constructor(readonly variable: string, readonly hint: string) {
    super(`${variable}: ${hint || 'parameter null or not set'}`);
    this.name = 'RequiredVariableError';
  }
}

/** Replaces every reference in one string. An unset variable without default becomes "" (as envsubst). */
export function substituteString(value: string, env: EnvLookup): string {
  return value.replace(REFERENCE, (_match, name: string, operator: string | undefined, fallback: string | undefined) => {
    const current = env[name];
    if (operator === ':?' && (current === undefined || current === '')) throw new RequiredVariableError(name, fallback ?? '');
    if (operator === '?' && current === undefined) throw new RequiredVariableError(name, fallback ?? '');
    if (operator === ':?' || operator === '?') return current ?? '';
    if (operator === ':-') return current === undefined || current === '' ? (fallback ?? '') : current;
    if (operator === '-') return current === undefined ? (fallback ?? '') : current;
    return current ?? '';
  });
}

/** Returns a copy of `value` with every string (not keys) substituted; other scalars pass through. */
export function substituteDeep(value: unknown, env: EnvLookup): unknown {
  if (typeof value === 'string') return substituteString(value, env);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteDeep(item, env)]));
  }
  return value;
}
