/**
 * Scopes: every resource the provider creates carries `com.funtainer.scope` and every engine query filters on
 * it (plus the provider's extra labels), so a production gateway and test runs sharing one engine never see,
 * adopt, converge or remove each other's functions. Unscoped providers use the scope `default`.
 */
import { createHash } from 'node:crypto';

export const SCOPE_LABEL = 'com.funtainer.scope';

/** `default` without extra labels; else a short hash of them, also appended to container and volume names. */
export function scopeOf(extraLabels: Readonly<Record<string, string>>): { id: string; nameSuffix: string } {
  const entries = Object.entries(extraLabels).filter(([k]) => k !== SCOPE_LABEL).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return { id: 'default', nameSuffix: '' };
  const id = createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 6);
  return { id, nameSuffix: `-${id}` };
}

/** `key=value` label filters selecting only this provider's scope (its extra labels, scope label included). */
export function scopeFilters(extraLabels: Readonly<Record<string, string>>): string[] {
  return Object.entries(extraLabels).map(([k, v]) => `${k}=${v}`);
}
