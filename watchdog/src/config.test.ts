import t from 'tap';
import { loadConfig, type EnvMap } from './config.js';
import { FuntainerError } from '@funtainer/core/errors';
import { ConfigError, WATCHDOG_ERROR_CODES } from './errors.js';

function problemsOf(env: EnvMap): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

t.test('defaults follow of-watchdog', async (t) => {
  const config = loadConfig({ fprocess: 'cat' });
  t.equal(config.mode, 'streaming');
  t.same(config.fprocess, ['cat']);
  t.equal(config.port, 8080);
  t.equal(config.metricsPort, 8081);
  t.equal(config.execTimeoutMs, 30_000);
  t.equal(config.readTimeoutMs, 30_000);
  t.equal(config.writeTimeoutMs, 30_000);
  t.equal(config.healthcheckIntervalMs, 30_000);
  t.equal(config.maxInflight, 0);
  t.equal(config.suppressLock, false);
  t.equal(config.contentType, 'application/octet-stream');
  t.equal(config.prefixLogs, true);
  t.equal(config.logBufferSize, 65_536);
  t.equal(config.staticPath, '/home/app/public');
  t.equal(config.readyPath, '');
  t.ok(Object.isFrozen(config));
});

const table: Array<{ name: string; env: EnvMap; expect: Record<string, unknown> }> = [
  { name: 'function_process wins over fprocess', env: { fprocess: 'a', function_process: 'b  --x' }, expect: { fprocess: ['b', '--x'] } },
  { name: 'http_upstream_url wins over upstream_url', env: { mode: 'http', fprocess: 'node s.js', upstream_url: 'http://127.0.0.1:1', http_upstream_url: 'http://127.0.0.1:2' }, expect: { upstreamUrl: new URL('http://127.0.0.1:2') } },
  { name: 'bare integers are seconds', env: { fprocess: 'cat', exec_timeout: '5' }, expect: { execTimeoutMs: 5000 } },
  { name: 'go durations', env: { fprocess: 'cat', read_timeout: '1m30s', exec_timeout: '500ms' }, expect: { readTimeoutMs: 90_000, execTimeoutMs: 500 } },
  { name: 'exec_timeout 0 disables', env: { fprocess: 'cat', exec_timeout: '0' }, expect: { execTimeoutMs: 0 } },
  { name: 'healthcheck_interval defaults to write_timeout', env: { fprocess: 'cat', write_timeout: '7s' }, expect: { healthcheckIntervalMs: 7000 } },
  { name: 'explicit healthcheck_interval', env: { fprocess: 'cat', healthcheck_interval: '2s' }, expect: { healthcheckIntervalMs: 2000 } },
  { name: 'booleans', env: { fprocess: 'cat', suppress_lock: 'true', prefix_logs: 'false' }, expect: { suppressLock: true, prefixLogs: false } },
  { name: 'log_buffer_size -1 is unbuffered', env: { fprocess: 'cat', log_buffer_size: '-1' }, expect: { logBufferSize: -1 } },
  { name: 'static needs no fprocess', env: { mode: 'static', static_path: '/srv' }, expect: { mode: 'static', fprocess: [], staticPath: '/srv' } },
  { name: 'module mode', env: { mode: 'module', handler: '/app/handler.js', RAW_BODY: 'true' }, expect: { mode: 'module', handlerPath: '/app/handler.js', rawBody: true } },
  { name: 'mode is case-insensitive', env: { mode: 'HTTP', fprocess: 'x', upstream_url: 'http://127.0.0.1:3000' }, expect: { mode: 'http' } },
  { name: 'ports and max_inflight', env: { fprocess: 'cat', port: '9000', metrics_port: '9001', max_inflight: '4' }, expect: { port: 9000, metricsPort: 9001, maxInflight: 4 } },
  { name: 'empty values count as unset', env: { fprocess: 'cat', exec_timeout: '', mode: ' ' }, expect: { execTimeoutMs: 30_000, mode: 'streaming' } },
];

for (const row of table) {
  t.test(row.name, async (t) => {
    t.match(loadConfig(row.env), row.expect);
  });
}

const errorTable: Array<{ name: string; env: EnvMap; problems: RegExp[] }> = [
  { name: 'unknown mode', env: { mode: 'afterburn', fprocess: 'cat' }, problems: [/^mode: "afterburn" is unknown/] },
  { name: 'missing fprocess in fork modes', env: { mode: 'serializing' }, problems: [/^fprocess: required in serializing mode/] },
  { name: 'missing fprocess by default', env: {}, problems: [/^fprocess: required in streaming mode/] },
  { name: 'http needs upstream_url', env: { mode: 'http', fprocess: 'node s.js' }, problems: [/^upstream_url: required/] },
  { name: 'upstream_url must be http', env: { mode: 'http', fprocess: 'x', upstream_url: 'ftp://h' }, problems: [/^upstream_url: .*http:\/\//] },
  { name: 'upstream_url must parse', env: { mode: 'http', fprocess: 'x', upstream_url: 'not a url' }, problems: [/^upstream_url: .*not a URL/] },
  { name: 'module needs handler', env: { mode: 'module' }, problems: [/^handler: required in module mode/] },
  { name: 'bad duration', env: { fprocess: 'cat', exec_timeout: '10 seconds' }, problems: [/^exec_timeout: "10 seconds" is not a duration/] },
  { name: 'bad boolean', env: { fprocess: 'cat', suppress_lock: 'maybe' }, problems: [/^suppress_lock: "maybe" is not a boolean/] },
  { name: 'write_timeout 0', env: { fprocess: 'cat', write_timeout: '0' }, problems: [/^write_timeout: must be greater than zero/] },
  { name: 'bad port', env: { fprocess: 'cat', port: '70000' }, problems: [/^port: "70000"/] },
  { name: 'bad max_inflight', env: { fprocess: 'cat', max_inflight: '-3' }, problems: [/^max_inflight: "-3"/] },
  { name: 'relative ready_path', env: { fprocess: 'cat', ready_path: 'health' }, problems: [/^ready_path: "health" must start with \//] },
  {
    name: 'every problem listed at once',
    env: { mode: 'http', exec_timeout: 'soon', suppress_lock: 'perhaps', prefix_logs: '2' },
    problems: [/^fprocess/, /^upstream_url/, /^exec_timeout/, /^suppress_lock/, /^prefix_logs/],
  },
];

for (const row of errorTable) {
  t.test(`rejects: ${row.name}`, async (t) => {
    const problems = problemsOf(row.env);
    t.equal(problems.length, row.problems.length, problems.join('; '));
    for (const pattern of row.problems) t.ok(problems.some((p) => pattern.test(p)), `${pattern} in ${problems.join('; ')}`);
  });
}

t.test('ConfigError carries the stable code and one message listing every problem', async (t) => {
  const err = t.throws(() => loadConfig({ mode: 'nope', exec_timeout: 'x' })) as ConfigError;
  t.equal(err.code, WATCHDOG_ERROR_CODES.configInvalid);
  t.ok(err instanceof FuntainerError, 'a code of the one registry in core');
  t.equal(err.statusCode, 500);
  t.match(err.message, /mode: "nope"[\s\S]*exec_timeout: "x"/);
});
