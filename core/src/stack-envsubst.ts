/**
 * `${VAR}` and `${VAR:-default}` substitution in stack.yml values, as faas-cli does (its --envsubst is on by
 * default). Applied to the parsed document's string values rather than to the raw text, so a variable's value
 * can never inject YAML structure.
 */

export type EnvLookup = Readonly<Record<string, string | undefined>>;

// ${NAME}, ${NAME:-default} (default when unset or empty), ${NAME-default} (default when unset)
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g;

/** Replaces every reference in one string. An unset variable without default becomes "" (as envsubst). */
export function substituteString(value: string, env: EnvLookup): string {
  return value.replace(REFERENCE, (_match, name: string, operator: string | undefined, fallback: string | undefined) => {
    const current = env[name];
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
