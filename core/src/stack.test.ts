import t from 'tap';
import { isStackError, matchesFilter, parseStack, selectFunctions, StackError } from './stack.js';
import { substituteString } from './stack-envsubst.js';

/** A stack as faas-cli users write it, already YAML-parsed. */
function openfaasStack(): Record<string, unknown> {
  return {
    version: 1.0,
    provider: { name: 'openfaas', gateway: 'http://127.0.0.1:8080' },
    functions: {
      echo: {
        lang: 'node',
        handler: './functions/echo',
        image: 'funtainer/echo:latest',
        environment: { write_debug: true, PORT: 3000 },
        labels: { 'com.openfaas.scale.min': '1' },
        annotations: { topic: 'demo' },
        limits: { memory: '128Mi', cpu: '100m' },
        requests: { memory: '64Mi' },
        secrets: ['api-key'],
        readonly_root_filesystem: true,
        build_args: { NODE_IMAGE: '${NODE_IMAGE:-node:22-bookworm-slim}' },
        constraints: ['node.platform.os == linux'],
      },
      sha512sum: { lang: 'Dockerfile', handler: './functions/sha512sum', image: 'funtainer/sha512sum:latest', fprocess: 'sha512sum' },
    },
    configuration: { templates: [{ name: 'node', source: 'https://example.com/templates' }], copy: ['common'] },
  };
}

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (isStackError(err)) return err.issues;
    throw err;
  }
  throw new Error('expected a StackError');
}

t.test('an OpenFaaS stack.yml parses unchanged', async (t) => {
  const stack = parseStack(openfaasStack(), { file: 'stack.yml', env: {} });
  t.equal(stack.version, '1.0');
  t.equal(stack.provider.gateway, 'http://127.0.0.1:8080');
  t.same(stack.functions.map((f) => f.name), ['echo', 'sha512sum']);
  const echo = stack.functions[0];
  t.same(echo?.environment, { write_debug: 'true', PORT: '3000' }, 'scalars become strings');
  t.equal(echo?.build_args?.NODE_IMAGE, 'node:22-bookworm-slim', '${VAR:-default} falls back');
  t.equal(stack.functions[1]?.lang, 'dockerfile', 'Dockerfile is normalised');
});

t.test('${VAR} substitution uses the given env', async (t) => {
  const doc = openfaasStack();
  const stack = parseStack(doc, { file: 'stack.yml', env: { NODE_IMAGE: 'funtainer/node-base:local' } });
  t.equal(stack.functions[0]?.build_args?.NODE_IMAGE, 'funtainer/node-base:local');
  t.equal(substituteString('${A}-${B:-b}-${C-c}', { A: 'a', B: '', C: '' }), 'a-b-');
  t.equal(substituteString('${MISSING}x', {}), 'x');
});

t.test('an unknown key names file, function and key, with a suggestion', async (t) => {
  const doc = openfaasStack();
  (doc.functions as Record<string, Record<string, unknown>>).echo!.imagee = 'x';
  t.same(issuesOf(() => parseStack(doc, { file: 'stack.yml' })), ['stack.yml: functions.echo.imagee: unknown key (did you mean "image"?)']);
});

t.test('a wrong type names the field and what was expected', async (t) => {
  const doc = openfaasStack();
  (doc.functions as Record<string, Record<string, unknown>>).echo!.limits = { memory: ['128Mi'], cpu: 'lots' };
  (doc.functions as Record<string, Record<string, unknown>>).sha512sum!.secrets = 'api-key';
  const issues = issuesOf(() => parseStack(doc, { file: 'stack.yml' }));
  t.match(issues, [/^stack\.yml: functions\.echo\.limits\.memory: must be a string, number or boolean, got a list$/, /^stack\.yml: functions\.echo\.limits\.cpu: must be a quantity like 100m/, /^stack\.yml: functions\.sha512sum\.secrets: must be a list of secret names, got a string$/]);
});

t.test('a missing image is reported per function', async (t) => {
  const doc = openfaasStack();
  delete (doc.functions as Record<string, Record<string, unknown>>).echo!.image;
  t.same(issuesOf(() => parseStack(doc, { file: 'my-stack.yml' })), ['my-stack.yml: functions.echo.image: is required (a string)']);
});

t.test('provider name, function names and empty files are checked', async (t) => {
  const doc = openfaasStack();
  (doc.provider as Record<string, unknown>).name = 'faasd';
  (doc.functions as Record<string, unknown>).Bad_Name = { image: 'x' };
  const issues = issuesOf(() => parseStack(doc, { file: 'stack.yml' }));
  t.match(issues.join('\n'), /stack\.yml: provider\.name: must be "openfaas"/);
  t.match(issues.join('\n'), /stack\.yml: functions\.Bad_Name: is not a valid function name/);
  t.match(issuesOf(() => parseStack(null, { file: 'stack.yml' })), [/stack\.yml: is empty/]);
  t.ok(new StackError(['x']).statusCode === 400);
});

t.test('environment_file values are merged, later files winning, and bad files are named', async (t) => {
  const doc = openfaasStack();
  (doc.functions as Record<string, Record<string, unknown>>).echo!.environment_file = ['a.yml', 'b.yml'];
  const files: Record<string, unknown> = { 'a.yml': { environment: { A: 1, SHARED: 'a' } }, 'b.yml': { environment: { SHARED: 'b' } } };
  const stack = parseStack(doc, { file: 'stack.yml', readFile: (path) => files[path] });
  t.same(stack.functions[0]?.fileEnvironment, { A: '1', SHARED: 'b' });
  files['b.yml'] = { env: {} };
  const issues = issuesOf(() => parseStack(doc, { file: 'stack.yml', readFile: (path) => files[path] }));
  t.match(issues.join('\n'), /stack\.yml: functions\.echo\.environment_file\[1\]: b\.yml: /);
});

t.test('Funtainer extras validate', async (t) => {
  const doc = openfaasStack();
  Object.assign((doc.functions as Record<string, Record<string, unknown>>).echo!, {
    timeout: 'soon', mode: 'fast', scale: { min: 3, max: 1 },
  });
  const text = issuesOf(() => parseStack(doc, { file: 'stack.yml' })).join('\n');
  t.match(text, /functions\.echo\.timeout: must be a duration/);
  t.match(text, /functions\.echo\.mode: must be one of streaming/);
  t.match(text, /functions\.echo\.scale\.min: min must not exceed max/);
});

t.test('--filter globs select functions', async (t) => {
  const stack = parseStack(openfaasStack(), { file: 'stack.yml' });
  t.ok(matchesFilter('echo', 'e*'));
  t.notOk(matchesFilter('echo', 'sha*'));
  t.same(selectFunctions(stack, 'sha?12*').map((f) => f.name), ['sha512sum']);
  t.throws(() => selectFunctions(stack, 'nope'), /no function matches --filter "nope"/);
});
