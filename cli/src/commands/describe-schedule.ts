/** The cron lines of `funtainer describe` (GET /system/function's `schedule`, gateway/src/schedules/README.md). */
import type { FunctionScheduleStatus } from '@funtainer/core/schedule-records';

export function scheduleFields(schedule: FunctionScheduleStatus | undefined): Array<[string, string | undefined]> {
  if (schedule === undefined) return [];
  const run = schedule.lastRun;
  const outcome = run ? [run.state ?? 'record expired', run.statusCode !== undefined ? String(run.statusCode) : undefined].filter(Boolean).join(' ') : undefined;
  return [
    ['Schedule', `${schedule.pattern}${schedule.timezone !== undefined ? ` (${schedule.timezone})` : ''}`],
    ['Next run', schedule.error !== undefined ? `unknown (${schedule.error})` : (schedule.nextRun ?? 'none scheduled (the gateway restores it)')],
    ['Last run', schedule.error !== undefined ? undefined : run ? `${run.tick} ${outcome}, call ${run.callId}` : 'not yet'],
  ];
}
