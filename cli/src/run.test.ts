import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import type { Io } from './io.js';
import { run } from './run.js';

/** Runs the CLI in-process with captured output. */
async function cli(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => void (out += `${text}\n`),
    err: (text) => void (err += `${text}\n`),
    writeOut: (chunk) => void (out += Buffer.from(chunk).toString()),
    stdin: new PassThrough(),
    stdinIsTTY: true,
  };
  const code = await run(argv, { env: { FUNTAINER_CONFIG: join(cwd, '.cfg'), ...env }, cwd, homeDir: cwd, io, signal: new AbortController().signal });
  return { code, out, err };
}

t.test('bad stack files exit 2 with file, function and field named', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const cases: [string, string, RegExp][] = [
    ['unknown key', 'functions:\n  echo:\n    image: x\n    lang: node\n    handler: ./echo\n    colour: red\n', /stack\.yml: functions\.echo\.colour: unknown key/],
    ['wrong type', 'functions:\n  echo:\n    image: x\n    environment: [a, b]\n', /stack\.yml: functions\.echo\.environment: must be a map of KEY: value, got a list/],
    ['missing image', 'functions:\n  echo:\n    lang: node\n', /stack\.yml: functions\.echo\.image: is required/],
    ['bad yaml', 'functions:\n  echo: [\n', /stack\.yml:\d+:\d+: not valid YAML/],
    ['alias bomb', `x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`).join('\n')}\nfunctions:\n  echo:\n    image: x\n`, /stack\.yml: not usable YAML: .*alias/i],
    ['required variable', 'functions:\n  echo:\n    image: ${FUNTAINER_TEST_IMAGE_UNSET:?set the image tag first}\n', /stack\.yml: \$\{FUNTAINER_TEST_IMAGE_UNSET\}: set the image tag first/],
  ];
  for (const [what, functions, message] of cases) {
    await writeFile(join(dir, 'stack.yml'), `provider:\n  name: openfaas\n${functions}`);
    const result = await cli(['deploy', '-g', 'http://127.0.0.1:9'], dir);
    t.equal(result.code, 2, `${what}: exit 2`);
    t.match(result.err, message, what);
  }
});

t.test('usage errors exit 2; unknown commands exit 2', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  t.equal((await cli(['scale', 'echo'], dir)).code, 2);
  t.equal((await cli(['invoke', '--bogus'], dir)).code, 2);
  t.equal((await cli(['frobnicate'], dir)).code, 2);
  t.equal((await cli(['list', '--help'], dir)).code, 0);
});

t.test('new scaffolds a handler and appends to stack.yml, keeping comments', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'stack.yml'), '# my functions\nprovider:\n  name: openfaas\nfunctions:\n  old:\n    image: x\n');
  const result = await cli(['new', 'greeter', '--lang', 'node'], dir);
  t.equal(result.code, 0, result.err);
  const text = await readFile(join(dir, 'stack.yml'), 'utf8');
  t.match(text, /^# my functions/);
  t.match(text, /greeter:\n\s+lang: node\n\s+handler: \.\/greeter\n\s+image: funtainer\/greeter:latest/);
  t.match(await readFile(join(dir, 'greeter', 'handler.js'), 'utf8'), /module\.exports = async \(event, context\)/);
  t.equal((await cli(['new', 'greeter', '--lang', 'node'], dir)).code, 2, 'existing folder');
  t.equal((await cli(['new', 'x', '--lang', 'cobol'], dir)).code, 2, 'unknown template');
});

t.test('gateway that is down: exit 1 with the fix', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'funtainer-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const result = await cli(['list'], dir, { FUNTAINER_URL: url });
  t.equal(result.code, 1);
  t.match(result.err, `is the gateway running at ${url}? start it with "npm start"`);
});
