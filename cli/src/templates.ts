/** Function templates: a folder with template.yml, a Dockerfile and a function/ skeleton that `new` copies. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CliError, EXIT_USAGE } from './cli-error.js';
import { templateRoots } from './paths.js';

const TemplateManifestSchema = z.object({
  language: z.string(),
  mode: z.string().optional(),
  fprocess: z.string().optional(),
  handler: z.string().optional(),
  upstream_url: z.string().optional(),
  /** Which watchdog build goes into the context: `watchdog.cjs` (node in image) or `watchdog-sea` (no node). */
  watchdog: z.enum(['watchdog.cjs', 'watchdog-sea']).default('watchdog.cjs'),
  welcome: z.string().optional(),
});

export interface Template {
  readonly name: string;
  readonly dir: string;
  readonly manifest: z.output<typeof TemplateManifestSchema>;
}

function readTemplate(name: string, dir: string): Template {
  const manifestPath = join(dir, 'template.yml');
  const parsed = TemplateManifestSchema.safeParse(parseYaml(readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) {
    throw new CliError(`${manifestPath}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { name, dir, manifest: parsed.data };
}

export function listTemplates(env: Readonly<Record<string, string | undefined>>, stackDir: string): Template[] {
  const seen = new Map<string, Template>();
  for (const root of templateRoots(env, stackDir)) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && !seen.has(entry.name) && existsSync(join(root, entry.name, 'template.yml'))) {
        seen.set(entry.name, readTemplate(entry.name, join(root, entry.name)));
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The template for `lang`; an unknown language is a usage error listing what exists. */
export function findTemplate(lang: string, env: Readonly<Record<string, string | undefined>>, stackDir: string): Template {
  for (const root of templateRoots(env, stackDir)) {
    const dir = join(root, lang);
    if (existsSync(join(dir, 'template.yml'))) return readTemplate(lang, dir);
  }
  const known = listTemplates(env, stackDir).map((t) => t.name).join(', ') || 'none found';
  throw new CliError(`no template "${lang}" (available: ${known}); see "funtainer template list"`, EXIT_USAGE);
}
