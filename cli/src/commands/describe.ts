/** `funtainer describe NAME`: one function's status and settings (faas-cli describe). */
import { booleanOption, parseCommandArgs, requirePositional, stringOption } from '../args.js';
import { CliError, EXIT_OK } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatCount, formatFields } from '../output.js';
import { scheduleFields } from './describe-schedule.js';

const usage = 'funtainer describe NAME [-g URL] [--json]';

const mapText = (map: Record<string, string> | undefined): string | undefined =>
  map && Object.keys(map).length ? Object.entries(map).map(([k, v]) => `${k}=${v}`).join(', ') : undefined;

export const describeCommand: Command = {
  name: 'describe',
  summary: 'Show details of a deployed function',
  usage,
  async run(ctx) {
    const parsed = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, usage);
    const name = requirePositional(parsed, 'the function name', usage);
    const namespace = stringOption(parsed.values, 'namespace');
    const client = await connect(ctx, parsed.values);
    const status = await client.get(name, namespace);
    if (!status) throw new CliError(`No such function: ${name} (see "funtainer list")`);
    // the single-function endpoint has no invocation count; the list endpoint does (faas-cli does the same)
    const listed = (await client.list(namespace).catch(() => [])).find((fn) => fn.name === name);
    const invocationCount = listed?.invocationCount ?? status.invocationCount;
    if (booleanOption(parsed.values, 'json')) {
      ctx.io.out(JSON.stringify({ ...status, invocationCount }, null, 2));
      return EXIT_OK;
    }
    const ready = (status.availableReplicas ?? 0) > 0;
    const phase = status.status === 'paused' ? 'Paused' : status.status === 'failing' ? 'Failing' : undefined;
    ctx.io.out(formatFields([
      ['Name', status.name],
      ['Status', phase ?? (ready ? 'Ready' : 'Not Ready')],
      ['Last error', status.lastError ? `${status.lastError.message} (${status.lastError.code}, ${status.lastError.at})` : undefined],
      ['Replicas', `${status.availableReplicas ?? 0}/${status.replicas ?? 0}`],
      ['Invocations', formatCount(invocationCount)],
      ['Image', status.image],
      ['Namespace', status.namespace],
      ['Function process', status.envProcess],
      ['URL', `${client.url}/function/${status.name}`],
      ['Async URL', `${client.url}/async-function/${status.name}`],
      ...scheduleFields(status.schedule),
      ['Labels', mapText(status.labels)],
      ['Annotations', mapText(status.annotations)],
      ['Environment', mapText(status.envVars)],
      ['Secrets', status.secrets?.join(', ')],
      ['Limits', mapText(status.limits as Record<string, string> | undefined)],
      ['Requests', mapText(status.requests as Record<string, string> | undefined)],
      ['Created', status.createdAt],
    ]));
    return EXIT_OK;
  },
};
