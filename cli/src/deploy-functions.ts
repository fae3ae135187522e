/** The deploy step shared by `deploy` and `up`: PUT-or-POST each function, then wait until it is ready. */
import type { GatewayClient } from '@funtainer/core/api-client';
import { toDeployment, type StackFunction } from '@funtainer/core/stack';
import { durationOption, keyValueOption, listOption, stringOption, type OptionSpec, type OptionValues } from './args.js';
import type { CommandContext } from './io.js';
import { formatElapsed } from './output.js';
import type { LoadedStack } from './stack-file.js';
import { findTemplate } from './templates.js';
import { waitReady } from './wait-ready.js';

export interface DeployFlags {
  env: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  secrets: string[];
  namespace: string | undefined;
  /** 0 skips the readiness wait. */
  readyTimeoutMs: number;
}

export const DEPLOY_OPTIONS = {
  env: { type: 'string', short: 'e', multiple: true },
  label: { type: 'string', short: 'l', multiple: true },
  annotation: { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  'ready-timeout': { type: 'string' },
  'no-wait': { type: 'boolean' },
} as const satisfies OptionSpec;

export function readDeployFlags(values: OptionValues): DeployFlags {
  return {
    env: keyValueOption(values, 'env'),
    labels: keyValueOption(values, 'label'),
    annotations: keyValueOption(values, 'annotation'),
    secrets: listOption(values, 'secret'),
    namespace: stringOption(values, 'namespace'),
    readyTimeoutMs: values['no-wait'] === true ? 0 : durationOption(values, 'ready-timeout', 60_000),
  };
}

/** The template's fprocess (faas-cli --read-template); functions without lang or a known template get none. */
function templateFprocess(ctx: CommandContext, loaded: LoadedStack, fn: StackFunction): string | undefined {
  if (!fn.lang || fn.fprocess) return undefined;
  try {
    return findTemplate(fn.lang, ctx.env, loaded.dir).manifest.fprocess || undefined;
  } catch {
    return undefined;
  }
}

export async function deployFunctions(
  ctx: CommandContext, client: GatewayClient, loaded: LoadedStack, functions: readonly StackFunction[], flags: DeployFlags,
): Promise<void> {
  // validate every function before changing anything on the gateway
  const specs = functions.map((fn) => {
    const spec = toDeployment(fn, { templateFprocess: templateFprocess(ctx, loaded, fn), namespace: flags.namespace, file: loaded.stack.file });
    return {
      ...spec,
      envVars: { ...spec.envVars, ...flags.env },
      labels: { ...spec.labels, ...flags.labels },
      annotations: { ...spec.annotations, ...flags.annotations },
      secrets: [...new Set([...spec.secrets, ...flags.secrets])],
    };
  });
  for (const spec of specs) {
    const started = Date.now();
    ctx.io.err(`[${spec.service}] deploying ${spec.image} to ${client.url}`);
    const outcome = await client.deploy(spec);
    if (flags.readyTimeoutMs > 0) {
      ctx.io.err(`[${spec.service}] ${outcome}; waiting for a ready replica`);
      await waitReady(client, spec.service, { timeoutMs: flags.readyTimeoutMs, signal: ctx.signal, namespace: spec.namespace });
    }
    const readiness = flags.readyTimeoutMs > 0 ? ' and ready' : '';
    ctx.io.err(`[${spec.service}] ${outcome}${readiness} in ${formatElapsed(Date.now() - started)}: ${client.url}/function/${spec.service}`);
  }
}
