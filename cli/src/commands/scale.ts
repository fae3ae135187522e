/** `funtainer scale NAME --replicas N`: set the desired replica count (0 parks the function). */
import { booleanOption, durationOption, intOption, parseCommandArgs, requirePositional, stringOption } from '../args.js';
import { EXIT_OK, UsageError } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command } from '../io.js';
import { formatElapsed } from '../output.js';
import { waitReady } from '../wait-ready.js';

const usage = 'funtainer scale NAME --replicas N [--no-wait] [--ready-timeout 60s]';

export const scaleCommand: Command = {
  name: 'scale',
  summary: 'Scale a function to N replicas',
  usage,
  async run(ctx) {
    const parsed = parseCommandArgs(ctx.argv, { replicas: { type: 'string', short: 'r' }, 'no-wait': { type: 'boolean' }, 'ready-timeout': { type: 'string' } }, usage);
    const name = requirePositional(parsed, 'the function name', usage);
    const replicas = intOption(parsed.values, 'replicas');
    if (replicas === undefined || replicas < 0) throw new UsageError(`--replicas N (0 or more) is required\nusage: ${usage}`);
    const namespace = stringOption(parsed.values, 'namespace');
    const started = Date.now();
    const client = await connect(ctx, parsed.values);
    await client.scale(name, replicas, namespace);
    if (replicas > 0 && !booleanOption(parsed.values, 'no-wait')) {
      ctx.io.err(`[${name}] scaling to ${replicas}; waiting for ${replicas} ready`);
      await waitReady(client, name, {
        timeoutMs: durationOption(parsed.values, 'ready-timeout', 60_000), signal: ctx.signal, namespace, minReplicas: replicas,
      });
    }
    ctx.io.out(`scaled ${name} to ${replicas} replica${replicas === 1 ? '' : 's'} in ${formatElapsed(Date.now() - started)}`);
    return EXIT_OK;
  },
};
