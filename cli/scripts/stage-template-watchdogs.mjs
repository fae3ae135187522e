// Puts each template's watchdog build (template.yml `watchdog:`) and the native fork helper into the template
// folder itself, so a template is a complete docker build context: faas-cli copies the template folder to
// build/<fn>/ and runs docker build there without knowing about watchdog/dist. Run by `npm run build` after the
// watchdog bundle and single executable are built; the staged files are build output (templates/.gitignore).
import { copyFileSync, existsSync, linkSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const templates = join(root, 'templates');
const dist = join(root, 'watchdog', 'dist');
const ARTIFACTS = ['watchdog.cjs', 'watchdog-sea'];

/** A hard link when the file system allows it (watchdog-sea is ~100 MB), else a copy; always a fresh file. */
function stage(source, target) {
  rmSync(target, { force: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

for (const name of readdirSync(templates)) {
  const manifest = join(templates, name, 'template.yml');
  if (!existsSync(manifest)) continue;
  const wanted = /^watchdog:\s*(\S+)/m.exec(readFileSync(manifest, 'utf8'))?.[1] ?? 'watchdog.cjs';
  if (!ARTIFACTS.includes(wanted)) throw new Error(`${manifest}: watchdog must be one of ${ARTIFACTS.join(', ')}`);
  const source = join(dist, wanted);
  if (!existsSync(source)) throw new Error(`${source} is missing: build the watchdog first (npm run build)`);
  for (const other of ARTIFACTS.filter((a) => a !== wanted)) rmSync(join(templates, name, other), { force: true });
  stage(source, join(templates, name, wanted));
  // optional: images copy it with a wildcard (node templates) or carry it inside the single executable
  const forkHelper = join(dist, 'fork-helper');
  if (existsSync(forkHelper)) stage(forkHelper, join(templates, name, 'fork-helper'));
  else rmSync(join(templates, name, 'fork-helper'), { force: true });
  console.log(`templates/${name}: staged ${wanted}${existsSync(forkHelper) ? ' and fork-helper' : ''}`);
}
