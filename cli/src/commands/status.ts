/**
 * `funtainer status`: is the platform healthy? The gateway (/healthz, /system/info), then its dependencies,
 * as reported by the gateway's info `health` extension when present, else checked directly from here.
 */
import type { GatewayClient } from '@funtainer/core/api-client';
import { booleanOption, parseCommandArgs } from '../args.js';
import { EXIT_FAILURE, EXIT_OK } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command, CommandContext } from '../io.js';
import { checkDocker, checkFromInfo, checkPrometheus, checkRedis, formatCheck, type CheckResult } from '../status-checks.js';
import { errorMessage } from '@funtainer/core/errors';

const usage = 'funtainer status [-g URL] [--json]';

async function gatewayChecks(client: GatewayClient): Promise<{ checks: CheckResult[]; reported: Record<string, unknown> }> {
  try {
    const health = await client.health();
    const checks: CheckResult[] = [{ name: 'gateway', ok: health.ok, detail: `${client.url}/healthz answered ${health.status}` }];
    const info = await client.info().catch((err: unknown) => {
      checks.push({ name: 'info', ok: false, detail: errorMessage(err) });
      return undefined;
    });
    if (info?.version?.release) checks[0] = { ...checks[0]!, detail: `${checks[0]!.detail}; version ${info.version.release}` };
    return { checks, reported: info?.health && typeof info.health === 'object' ? info.health : {} };
  } catch (err) {
    return { checks: [{ name: 'gateway', ok: false, detail: errorMessage(err) }], reported: {} };
  }
}

async function dependencyChecks(ctx: CommandContext, reported: Record<string, unknown>): Promise<CheckResult[]> {
  const direct: Record<string, () => Promise<CheckResult>> = {
    docker: checkDocker,
    redis: () => checkRedis(ctx.env.FUNTAINER_REDIS_URL ?? ctx.env.redis_url),
    prometheus: () => checkPrometheus(ctx.env.FUNTAINER_PROMETHEUS_URL),
  };
  const names = [...new Set([...Object.keys(direct), ...Object.keys(reported)])];
  return Promise.all(names.map((name) => (name in reported ? Promise.resolve(checkFromInfo(name, reported[name])) : (direct[name] as () => Promise<CheckResult>)())));
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Check the gateway and its dependencies',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.argv, { json: { type: 'boolean' } }, usage);
    const client = await connect(ctx, values);
    const gateway = await gatewayChecks(client);
    const checks = [...gateway.checks, ...(await dependencyChecks(ctx, gateway.reported))];
    if (booleanOption(values, 'json')) ctx.io.out(JSON.stringify(checks, null, 2));
    else ctx.io.out(checks.map(formatCheck).join('\n'));
    const failed = checks.filter((c) => c.ok === false).map((c) => c.name);
    if (!booleanOption(values, 'json')) ctx.io.err(failed.length ? `unhealthy: ${failed.join(', ')}` : 'all checked components healthy');
    return failed.length ? EXIT_FAILURE : EXIT_OK;
  },
};
