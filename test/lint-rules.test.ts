/**
 * The structure holds without review (issue 10): lint fails on a new import cycle. Lints two committed fixture
 * modules that import each other (ignored by the normal lint run) with the repository's own ESLint config.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import t from 'tap';

const root = fileURLToPath(new URL('../../', import.meta.url));

t.test('a module cycle is a lint error', async (t) => {
  const eslint = new ESLint({ cwd: root, ignore: false });
  const results = await eslint.lintFiles(['test/fixtures/import-cycle/first.ts', 'test/fixtures/import-cycle/second.ts']);
  const cycleErrors = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'import-x/no-cycle' && m.severity === 2));
  t.equal(cycleErrors.length, 2, `both halves flagged: ${JSON.stringify(results.map((r) => r.messages))}`);
});
