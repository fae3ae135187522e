/**
 * Which gateway to talk to and as whom. URL: -g, FUNTAINER_URL / OPENFAAS_URL, the login file, the stack's
 * provider.gateway, then http://127.0.0.1:8080. Credentials: -u/-p, FUNTAINER_USER/FUNTAINER_PASSWORD, the
 * login file entry for that URL.
 */
import { GatewayClient } from '@funtainer/core/api-client';
import { booleanOption, durationOption, stringOption, type OptionValues } from './args.js';
import { UsageError } from './cli-error.js';
import { configDir, normaliseGateway, readCredentials, readCurrentGateway, type StoredCredentials } from './credentials.js';
import type { CommandContext } from './io.js';
import { peekStackGateway } from './stack-file.js';

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8080';
const DEFAULT_API_TIMEOUT_MS = 60_000;

export interface GatewayTarget {
  readonly url: string;
  readonly auth: StoredCredentials | undefined;
}

export async function resolveGatewayUrl(ctx: CommandContext, values: OptionValues, stackGateway?: string): Promise<string> {
  const candidates = [
    stringOption(values, 'gateway'),
    ctx.env.FUNTAINER_URL,
    ctx.env.OPENFAAS_URL,
    await readCurrentGateway(configDir(ctx.env, ctx.homeDir)),
    stackGateway ?? peekStackGateway(ctx.cwd, stringOption(values, 'yaml'), ctx.env),
    DEFAULT_GATEWAY,
  ];
  const url = normaliseGateway(candidates.find((c) => c !== undefined && c.trim() !== '') ?? DEFAULT_GATEWAY);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new UsageError(`gateway "${url}" is not an http(s) URL; pass -g http://host:8080`);
  }
  return url;
}

/** The whole of stdin, trimmed: `cat password.txt | funtainer status --password-stdin`. */
export async function passwordFromStdin(ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8').trim();
}

export async function resolveCredentials(ctx: CommandContext, values: OptionValues, url: string): Promise<StoredCredentials | undefined> {
  const flagUser = stringOption(values, 'user');
  const flagPassword = stringOption(values, 'password');
  if (flagPassword !== undefined) return { user: flagUser ?? 'admin', password: flagPassword };
  // Every command takes the password on stdin, as login does (faas-cli's --password-stdin), not only login.
  if (booleanOption(values, 'password-stdin')) return { user: flagUser ?? 'admin', password: await passwordFromStdin(ctx) };
  if (ctx.env.FUNTAINER_PASSWORD) return { user: ctx.env.FUNTAINER_USER ?? flagUser ?? 'admin', password: ctx.env.FUNTAINER_PASSWORD };
  return readCredentials(configDir(ctx.env, ctx.homeDir), url);
}

export async function resolveTarget(ctx: CommandContext, values: OptionValues, stackGateway?: string): Promise<GatewayTarget> {
  const url = await resolveGatewayUrl(ctx, values, stackGateway);
  return { url, auth: await resolveCredentials(ctx, values, url) };
}

export async function connect(ctx: CommandContext, values: OptionValues, stackGateway?: string): Promise<GatewayClient> {
  const target = await resolveTarget(ctx, values, stackGateway);
  return new GatewayClient({ url: target.url, auth: target.auth, timeoutMs: durationOption(values, 'timeout', DEFAULT_API_TIMEOUT_MS) });
}
