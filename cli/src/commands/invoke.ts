/** `funtainer invoke NAME`: call a function synchronously (streaming its answer to stdout) or queue it with --async. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { booleanOption, keyValueOption, parseCommandArgs, requirePositional, stringOption } from '../args.js';
import { CliError, EXIT_FAILURE, EXIT_OK, UsageError } from '../cli-error.js';
import { connect } from '../gateway-target.js';
import type { Command, CommandContext } from '../io.js';

const usage = 'funtainer invoke NAME [--async | --status CALL_ID] [-m METHOD] [-H K=V]... [--query K=V]... [--content-type TYPE] [--body-file FILE | < stdin]';

const options = {
  async: { type: 'boolean', short: 'a' },
  method: { type: 'string', short: 'm' },
  header: { type: 'string', short: 'H', multiple: true },
  query: { type: 'string', multiple: true },
  'content-type': { type: 'string' },
  'body-file': { type: 'string' },
  'callback-url': { type: 'string' },
  status: { type: 'string' },
} as const;

/** The body: --body-file, else piped stdin, else none (a terminal is never read: it would wait forever). */
function requestBody(ctx: CommandContext, bodyFile: string | undefined, method: string): Readable | undefined {
  if (bodyFile) return createReadStream(bodyFile);
  if (method === 'GET' || method === 'HEAD' || ctx.io.stdinIsTTY) return undefined;
  return ctx.io.stdin;
}

export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'Invoke a function',
  usage,
  async run(ctx) {
    const parsed = parseCommandArgs(ctx.argv, options, usage);
    const { values } = parsed;
    const callIdToCheck = stringOption(values, 'status');
    if (callIdToCheck !== undefined) {
      const status = await (await connect(ctx, values)).asyncStatus(callIdToCheck);
      if (!status) throw new CliError(`no async call ${callIdToCheck} (it may have expired)`);
      ctx.io.out(JSON.stringify(status, null, 2));
      return EXIT_OK;
    }
    const name = requirePositional(parsed, 'the function name', usage);
    const method = (stringOption(values, 'method') ?? 'POST').toUpperCase();
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(method)) throw new UsageError(`--method ${method}: use GET, POST, PUT, PATCH, DELETE`);
    const isAsync = booleanOption(values, 'async');
    const headers: Record<string, string> = { 'content-type': stringOption(values, 'content-type') ?? 'text/plain', ...keyValueOption(values, 'header') };
    const callbackUrl = stringOption(values, 'callback-url');
    if (callbackUrl) headers['x-callback-url'] = callbackUrl;
    const bodyFile = stringOption(values, 'body-file');
    if (bodyFile && (method === 'GET' || method === 'HEAD')) throw new UsageError(`--body-file cannot be sent with --method ${method}`);
    const client = await connect(ctx, values);
    const result = await client.invokeStream(name, {
      async: isAsync, method, headers, query: keyValueOption(values, 'query'), namespace: stringOption(values, 'namespace'),
      body: requestBody(ctx, bodyFile, method), signal: ctx.signal, timeoutMs: 0,
    });
    if (isAsync) {
      for await (const chunk of result.body) void chunk; // drain: the 202 body is empty or a small JSON
      if (result.status !== 202) throw new CliError(`async invocation of ${name} was not accepted (HTTP ${result.status}); check "funtainer describe ${name}"`);
      const callId = result.headers['x-call-id'] ?? '';
      ctx.io.err(`function ${name} queued; check it with: funtainer invoke --status ${callId} (GET /system/async/${callId})`);
      ctx.io.out(callId);
      return EXIT_OK;
    }
    for await (const chunk of result.body) ctx.io.writeOut(chunk);
    if (result.status >= 200 && result.status < 300) return EXIT_OK;
    ctx.io.err(`\n${name} answered HTTP ${result.status}${result.headers['x-openfaas-internal'] ? ` from ${result.headers['x-openfaas-internal']} (platform)` : ''}; see "funtainer logs ${name}"`);
    return EXIT_FAILURE;
  },
};
