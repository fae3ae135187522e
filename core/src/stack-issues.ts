/**
 * Turns zod issues on a stack file into lines a person can act on:
 * `stack.yml: functions.echo.limits.memory: must be a quantity like 128Mi`. Each line names the file, the
 * function and the field; unknown keys get a "did you mean" when a known key is one or two edits away.
 */
import type { z } from 'zod';
import { FuntainerError } from './errors.js';

/** A stack file that cannot be used; `issues` holds one line per problem, all of them, not just the first. */
export class StackError extends FuntainerError {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super('FUNTAINER_ERR_INVALID_SPEC', issues.join('\n'));
    this.name = 'StackError';
    this.issues = issues;
  }
}

export function isStackError(err: unknown): err is StackError {
  return err instanceof StackError;
}

/** `['functions', 'echo', 'secrets', 0]` → `functions.echo.secrets[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The closest known key, when it is close enough to be a typo. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(unknown.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Known keys of the strict object at `path`, to suggest a fix for an unknown key. */
export type KnownKeysAt = (path: readonly PropertyKey[]) => readonly string[];

export function describeStackIssues(file: string, error: z.ZodError, knownKeysAt: KnownKeysAt, prefix: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const suggestion = suggestKey(key, knownKeysAt(issue.path));
        const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
        lines.push(`${file}: ${formatPath([...path, key])}: unknown key${hint}`);
      }
      continue;
    }
    const where = formatPath(path);
    lines.push(where ? `${file}: ${where}: ${issue.message}` : `${file}: ${issue.message}`);
  }
  return lines;
}
