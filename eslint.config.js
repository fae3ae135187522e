// Lint rules for the whole workspace. Type-aware rules are left out on purpose: `tsc -b` already type-checks
// everything, and a type-aware lint pass would double the CI time for little gain.
import { fileURLToPath } from 'node:url';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * Which package directory may not import which (issue 10, "Structure"). Each seam points one way: the proxy
 * (the request path) uses the per-function state, admission and balancing of functions/, never the reverse; the
 * provider implements interfaces it owns and knows nothing of the autoscaler that drives it.
 */
const layerZones = [
  {
    target: 'gateway/src/functions',
    from: 'gateway/src/proxy',
    message: 'functions/ must not import proxy/: the proxy depends on functions/, not the reverse.',
  },
  {
    target: 'gateway/src/provider',
    from: 'gateway/src/autoscaler',
    message: 'The provider takes nothing from the autoscaler: seam interfaces it implements live in gateway/src/provider/.',
  },
];

/**
 * Test doubles and harnesses live in one `src/testing/` directory per package; only tests, test contracts and
 * other testing modules may import them, so no shipped module can come to depend on a fake (and the gateway
 * image leaves dist/testing out).
 */
const testingZones = [
  {
    target: '{core,gateway,watchdog,queue-worker,cli}/src/**',
    from: ['*/src/testing/**'],
    message: 'Shipped code must not import test doubles (src/testing/); only *.test.ts, *.contract.ts and testing/ may.',
  },
];

export default tseslint.config(
  { ignores: ['test/fixtures/import-cycle/**', '**/dist/**', '**/node_modules/**', 'bench/results/**', '**/*.cjs', 'build/**', '.funtainer/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Late-bound references (declared, captured by a callback, assigned once later) are fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only config modules and composition roots may read the environment (parsed once, validated, frozen).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read process.env only in config.ts or main.ts.' }],
    },
  },
  {
    files: ['**/main.ts', '**/config.ts', '**/src/testing/**', '**/*.test.ts', 'test/**', 'bench/**', 'scripts/**', '**/*.mjs', 'cli/src/**', 'templates/**', 'functions/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The package structure must hold without review: no module may reach itself through its imports
    // (issue 10: functions/ ↔ proxy/, the metrics-source loop). Type-only imports count too: a type cycle
    // is still two modules that cannot change independently.
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['*/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: here, zones: layerZones }],
    },
  },
  {
    // Shipped modules: the layer zones plus the testing zone (tests and test scaffolding keep only the former).
    files: ['*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.contract.ts', '*/src/testing/**'],
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: here, zones: [...layerZones, ...testingZones] }] },
  },
  {
    // Function handlers follow the OpenFaaS node templates: CommonJS modules.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
