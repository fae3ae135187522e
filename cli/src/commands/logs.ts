/** `funtainer logs NAME`: a function's log lines, optionally following new ones until Ctrl-C. */
import type { LogEntry } from '@funtainer/core/api-client';
import { booleanOption, intOption, parseCommandArgs, requirePositional, stringOption } from '../args.js';
import { EXIT_OK, UsageError } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';

const usage = 'funtainer logs NAME [--follow] [--since 5m|RFC3339] [--tail N] [--json] [--instance]';

export function formatLogLine(entry: LogEntry, showInstance: boolean): string {
  const instance = showInstance && entry.instance ? ` (${entry.instance})` : '';
  return `${entry.timestamp} ${entry.name}${instance} ${entry.text}`.trimStart();
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Show function logs',
  usage,
  async run(ctx) {
    const parsed = parseCommandArgs(ctx.argv, {
      follow: { type: 'boolean' }, since: { type: 'string' }, tail: { type: 'string', short: 't' },
      json: { type: 'boolean' }, instance: { type: 'boolean' },
    }, usage);
    const { values } = parsed;
    const name = requirePositional(parsed, 'the function name', usage);
    const since = stringOption(values, 'since');
    if (since !== undefined && !/^\d+[smhd]$/.test(since) && Number.isNaN(Date.parse(since))) {
      throw new UsageError(`--since "${since}": use a duration like 30s, 5m, 2h, 1d or an RFC3339 time`);
    }
    const client = await connect(ctx, values);
    const entries = client.logs(name, {
      follow: booleanOption(values, 'follow'), tail: intOption(values, 'tail'), since,
      namespace: stringOption(values, 'namespace'), signal: ctx.signal,
    });
    for await (const entry of entries) {
      ctx.io.out(booleanOption(values, 'json') ? JSON.stringify(entry) : formatLogLine(entry, booleanOption(values, 'instance')));
    }
    return EXIT_OK;
  },
};
