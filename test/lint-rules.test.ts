/**
 * The structure holds without review (issue 10): lint fails on a new import cycle (two committed fixture modules
 * that import each other, ignored by the normal lint run) and on an import against a direction zone, with the
 * repository's own ESLint config.
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

/**
 * The import direction zones (eslint.config.js `no-restricted-paths`): linted as virtual files at the path of a
 * module in the zone, so no fixture has to exist. Each import targets a real module, or the resolver would skip it.
 */
const directionCases: [file: string, code: string, flagged: boolean][] = [
  ['gateway/src/functions/zz-probe.ts', "export { parseInvocationPath } from '../proxy/invocation-path.js';", true],
  ['gateway/src/proxy/zz-probe.ts', "export { pickLeastInFlight } from '../functions/replica-picker.js';", false],
  ['gateway/src/provider/docker/zz-probe.ts', "export type { Clock } from '../../autoscaler/clock.js';", true],
  ['gateway/src/autoscaler/zz-probe.ts', "export type { PausableProvider } from '../provider/pausable-provider.js';", false],
  ['gateway/src/routes/zz-probe.ts', "export { MemoryProvider } from '../testing/memory-provider.js';", true],
  ['gateway/src/routes/zz-probe.test.ts', "export { MemoryProvider } from '../testing/memory-provider.js';", false],
  ['watchdog/src/zz-probe.ts', "export { fixture } from './testing/harness.js';", true],
];

t.test('import direction zones flag the forbidden direction only', async (t) => {
  const eslint = new ESLint({ cwd: root });
  for (const [file, code, flagged] of directionCases) {
    const [result] = await eslint.lintText(code, { filePath: `${root}${file}` });
    const zone = (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths' && m.severity === 2);
    t.equal(zone.length, flagged ? 1 : 0, `${file}: ${code} ${JSON.stringify(result?.messages)}`);
  }
});
