/**
 * Comments and docs cite only documents in this repository (issue 10). Scans every tracked source and doc file
 * for `<path>.md` references and `§N` section citations, and fails when the document, or the numbered section
 * in it, does not exist here. Documents elsewhere are cited by URL, which is not checked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = /\.(ts|mts|cts|js|mjs|cjs|sh|md|ya?ml|c|h|html|css)$|(^|\/)Dockerfile$/;
// A URL is consumed whole so the `.md` inside it is not taken for a local path.
const MD_REFERENCE = /[a-z][a-z0-9+.-]*:\/\/[^\s)\]>'"`]*|([\w./-]*\w\.md)\b/gi;
// `§6.2`, with the word just before it when one is there (`docs/openfaas-compat.md §6.2`, `RFC 9110 §7.6.1`).
const SECTION_CITATION = /(?:([\w./-]+)\s+)?§\s?(\d+(?:\.\d+)*)/g;
const HEADING_NUMBER = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/gm;

interface Problem { readonly where: string; readonly what: string }

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  const self = 'test/doc-references.test.ts'; // its own examples are broken on purpose
  return out.split('\0').filter((f) => f !== self && SCANNED.test(f) && !/(^|\/)(node_modules|dist)\//.test(f));
}

/** The repository-relative path `reference` names from `file`: beside it, from the root, or under docs/. */
function resolveDocument(file: string, reference: string): string | undefined {
  const candidates = [join(dirname(file), reference), reference, join('docs', reference)];
  return candidates.map((c) => relative(root, join(root, c))).find((c) => existsSync(join(root, c)) && statSync(join(root, c)).isFile());
}

const sectionCache = new Map<string, Set<string>>();
function sectionsOf(document: string): Set<string> {
  let sections = sectionCache.get(document);
  if (sections === undefined) {
    sections = new Set([...readFileSync(join(root, document), 'utf8').matchAll(HEADING_NUMBER)].map((m) => m[1] ?? ''));
    sectionCache.set(document, sections);
  }
  return sections;
}

function checkLine(file: string, line: string, where: string, problems: Problem[]): void {
  for (const match of line.matchAll(MD_REFERENCE)) {
    const reference = match[1];
    if (reference !== undefined && resolveDocument(file, reference) === undefined) {
      problems.push({ where, what: `${reference} is not a file in this repository` });
    }
  }
  for (const match of line.matchAll(SECTION_CITATION)) {
    const [, word, section = ''] = match;
    if (word !== undefined && /^\d+$/.test(word) && /\bRFC\s+\d+\s+§/.test(line)) continue;
    let document: string | undefined;
    if (word?.endsWith('.md')) document = resolveDocument(file, word);
    else if (file.endsWith('.md')) document = file; // a bare §N in a document is one of its own sections
    else {
      problems.push({ where, what: `§${section} after "${word ?? ''}": cite the document by its path (docs/x.md §N)` });
      continue;
    }
    if (document !== undefined && !sectionsOf(document).has(section)) {
      problems.push({ where, what: `${document} has no section ${section}` });
    }
  }
}

function findBrokenReferences(files: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => checkLine(file, line, `${file}:${i + 1}`, problems));
  }
  return problems;
}

t.test('every cited markdown document and section exists in the repository', async (t) => {
  const files = trackedFiles();
  t.ok(files.length > 100, `scanned ${files.length} tracked files`);
  const problems = findBrokenReferences(files);
  t.same(problems.map((p) => `${p.where}: ${p.what}`), [], 'no reference points outside the repository');
});

t.test('the scanner sees a missing document, a missing section and a citation without a path', async (t) => {
  const problems: Problem[] = [];
  checkLine('gateway/src/x.ts', ' * see docs/no-such-document.md for why', 'a', problems);
  checkLine('gateway/src/x.ts', ' * as measured (docs/status.md §99)', 'b', problems);
  checkLine('gateway/src/x.ts', ' * the wire protocol (some-notes §13)', 'c', problems);
  checkLine('gateway/src/x.ts', ' * fine: docs/status.md, RFC 9110 §7.6.1, https://example.com/elsewhere.md', 'd', problems);
  t.same(problems.map((p) => p.where), ['a', 'b', 'c']);
});
