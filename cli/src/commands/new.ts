/** `funtainer new NAME --lang TEMPLATE`: scaffold a handler folder from the template and add it to the stack file. */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isValidName } from '@funtainer/core';
import { isMap, parseDocument } from 'yaml';
import { parseCommandArgs, requirePositional, stringOption } from '../args.js';
import { CliError, EXIT_OK, EXIT_USAGE, UsageError } from '../cli-error.js';
import type { Command } from '../io.js';
import { stackPath } from '../stack-file.js';
import { findTemplate, type Template } from '../templates.js';

const usage = 'funtainer new NAME --lang TEMPLATE [--handler DIR] [--image IMAGE] [-f stack.yml]';

/** The stack entry `new` writes; build_args keep offline builds working via ${NODE_IMAGE}/${BASE_IMAGE}. */
export function newFunctionEntry(template: Template, handler: string, image: string): Record<string, unknown> {
  const entry: Record<string, unknown> = { lang: template.name, handler, image };
  if (template.manifest.watchdog === 'watchdog.cjs') entry.build_args = { NODE_IMAGE: '${NODE_IMAGE:-node:22-bookworm-slim}' };
  else entry.build_args = { BASE_IMAGE: '${BASE_IMAGE:-busybox:stable-glibc}' };
  return entry;
}

/** Adds the function to the stack text, keeping existing comments and layout; creates the file if absent. */
export function appendFunction(stackText: string | undefined, name: string, entry: Record<string, unknown>, file: string): string {
  const doc = parseDocument(stackText ?? 'version: 1.0\nprovider:\n  name: openfaas\n  gateway: http://127.0.0.1:8080\nfunctions: {}\n');
  if (doc.errors.length > 0) throw new CliError(`${file}: not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`, EXIT_USAGE);
  const functions = doc.get('functions');
  if (functions !== undefined && functions !== null && !isMap(functions)) throw new CliError(`${file}: functions: must be a map`, EXIT_USAGE);
  if (isMap(functions) && functions.has(name)) throw new CliError(`${file}: function ${name} already exists`, EXIT_USAGE);
  doc.setIn(['functions', name], doc.createNode(entry));
  const section = doc.get('functions');
  if (isMap(section)) section.flow = false;
  return doc.toString();
}

export const newCommand: Command = {
  name: 'new',
  summary: 'Create a function from a template',
  usage,
  async run(ctx) {
    const parsed = parseCommandArgs(ctx.argv, { lang: { type: 'string' }, handler: { type: 'string' }, image: { type: 'string' } }, usage);
    const name = requirePositional(parsed, 'the function name', usage);
    if (!isValidName(name)) throw new UsageError(`"${name}" is not a valid function name: use lower-case letters, digits and "-" (max 63)`);
    const lang = stringOption(parsed.values, 'lang');
    if (!lang) throw new UsageError(`--lang is required (see "funtainer template list")\nusage: ${usage}`);
    const file = stackPath(ctx.cwd, stringOption(parsed.values, 'yaml'));
    const template = findTemplate(lang, ctx.env, ctx.cwd);
    const handlerDir = join(ctx.cwd, stringOption(parsed.values, 'handler') ?? name);
    if (existsSync(handlerDir)) throw new CliError(`${relative(ctx.cwd, handlerDir) || handlerDir} already exists; pick another --handler or remove it`, EXIT_USAGE);
    const handler = `./${relative(ctx.cwd, handlerDir)}`;
    const image = stringOption(parsed.values, 'image') ?? `funtainer/${name}:latest`;
    const stackText = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const updated = appendFunction(stackText, name, newFunctionEntry(template, handler, image), relative(ctx.cwd, file));
    cpSync(join(template.dir, 'function'), handlerDir, { recursive: true });
    writeFileSync(file, updated);
    if (template.manifest.welcome) ctx.io.err(template.manifest.welcome.trimEnd());
    ctx.io.out(`created ${handler} from template ${template.name} and added ${name} to ${relative(ctx.cwd, file)}; next: funtainer up --filter ${name}`);
    return EXIT_OK;
  },
};
