/**
 * The cron annotations of a function (OpenFaaS cron-connector convention): `topic: cron-function`,
 * `schedule: "<cron expression>"` and, ours, an optional `timezone` (IANA name). Checked at deploy with the
 * parser BullMQ itself runs for job schedulers (cron-parser, pinned to BullMQ's version) so an expression that
 * passes here is one BullMQ can schedule, and the time zone with Intl, which is what cron-parser's dates use.
 */
// cron-parser is CommonJS without named ESM exports: its functions come off the default export.
import cronParser from 'cron-parser';
import { CRON_TOPIC } from '@funtainer/core/schedule-records';
import { isCronFunction } from '@funtainer/core/topics';

export const SCHEDULE_ANNOTATIONS = Object.freeze({ topic: 'topic', schedule: 'schedule', timezone: 'timezone' });

export interface CronSchedule {
  readonly pattern: string;
  /** Canonical IANA name (Intl's spelling), absent for the gateway's local time. */
  readonly timezone?: string;
}

export type ScheduleParse = { readonly ok: true; readonly schedule: CronSchedule | undefined } | { readonly ok: false; readonly problems: string[] };

type Annotations = Readonly<Record<string, string>> | undefined;

/** Long enough for any real expression; bounds what the parser is given. */
const MAX_PATTERN_LENGTH = 200;

/** Where the cron marker is read from the `topic` list: core/topics.ts, shared with topic subscriptions. */
export { isCronFunction };

/** The function's schedule, or every problem with it, each naming its annotation. Not a cron function: no schedule. */
export function parseScheduleAnnotations(annotations: Annotations): ScheduleParse {
  if (!isCronFunction(annotations)) return { ok: true, schedule: undefined };
  const problems: string[] = [];
  const timezone = checkTimezone(annotations?.[SCHEDULE_ANNOTATIONS.timezone], problems);
  const pattern = (annotations?.[SCHEDULE_ANNOTATIONS.schedule] ?? '').trim();
  const patternProblem = checkPattern(pattern, problems.length === 0 ? timezone : undefined);
  if (patternProblem !== undefined) problems.push(`annotations.${SCHEDULE_ANNOTATIONS.schedule}: ${patternProblem}`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, schedule: timezone === undefined ? { pattern } : { pattern, timezone } };
}

/** Deploy-time check: `annotations.<field>: …` lines, empty when the definition is fine. */
export function scheduleProblems(annotations: Annotations): string[] {
  const parsed = parseScheduleAnnotations(annotations);
  return parsed.ok ? [] : parsed.problems;
}

function checkTimezone(raw: string | undefined, problems: string[]): string | undefined {
  // A blank value (an unset variable in stack.yml) means "not given", like a missing annotation.
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: raw.trim() }).resolvedOptions().timeZone;
  } catch {
    problems.push(`annotations.${SCHEDULE_ANNOTATIONS.timezone}: ${JSON.stringify(raw.slice(0, 64))} is not a time zone name (use an IANA name such as Europe/Madrid or UTC)`);
    return undefined;
  }
}

function checkPattern(pattern: string, timezone: string | undefined): string | undefined {
  if (pattern === '') return `required when annotations.${SCHEDULE_ANNOTATIONS.topic} is "${CRON_TOPIC}" (a cron expression such as "*/5 * * * *")`;
  const shown = JSON.stringify(pattern.slice(0, 64));
  if (pattern.length > MAX_PATTERN_LENGTH) return `${shown}… is longer than ${MAX_PATTERN_LENGTH} characters`;
  // cron-parser fills missing fields in, so "* *" would pass it; OpenFaaS takes 5 fields (we also take a
  // leading seconds field, as BullMQ does) or an @alias such as @hourly.
  const fields = pattern.split(/\s+/).length;
  if (!pattern.startsWith('@') && fields !== 5 && fields !== 6) {
    return `${shown} has ${fields} field${fields === 1 ? '' : 's'}; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first)`;
  }
  try {
    // next() as well: an expression that parses but never fires (e.g. 30 February) fails here, not at the first tick.
    cronParser.parseExpression(pattern, timezone === undefined ? {} : { tz: timezone }).next();
    return undefined;
  } catch (err) {
    return `${shown} is not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}
