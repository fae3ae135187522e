import t from 'tap';
import { durationOption, intOption, keyValueOption, listOption, parseCommandArgs, requirePositional } from './args.js';
import { UsageError } from './cli-error.js';

const options = { header: { type: 'string', short: 'H', multiple: true }, async: { type: 'boolean', short: 'a' } } as const;

t.test('global and command flags parse together', async (t) => {
  const parsed = parseCommandArgs(['echo', '-g', 'http://gw:8080', '-a', '-H', 'a=1', '-H', 'b=x=y', '--filter', 'e*'], options, 'u');
  t.same(parsed.positionals, ['echo']);
  t.equal(parsed.values.gateway, 'http://gw:8080');
  t.equal(parsed.values.async, true);
  t.same(keyValueOption(parsed.values, 'header'), { a: '1', b: 'x=y' });
  t.same(listOption(parsed.values, 'filter'), ['e*']);
  t.equal(requirePositional(parsed, 'name', 'u'), 'echo');
});

t.test('unknown flags and malformed values are usage errors (exit 2)', async (t) => {
  t.throws(() => parseCommandArgs(['--nope'], options, 'funtainer x'), UsageError);
  const err = (() => {
    try {
      parseCommandArgs(['--nope'], options, 'funtainer x');
    } catch (e) {
      return e as UsageError;
    }
    return undefined;
  })();
  t.equal(err?.exitCode, 2);
  t.match(err?.message, /usage: funtainer x/);
  const parsed = parseCommandArgs(['-H', 'novalue', '--timeout', 'soon'], options, 'u');
  t.throws(() => keyValueOption(parsed.values, 'header'), /--header "novalue": expected key=value/);
  t.throws(() => durationOption(parsed.values, 'timeout', 1), /expected a duration/);
  t.throws(() => requirePositional(parsed, 'the function name', 'u'), /missing the function name/);
});

t.test('durations and integers', async (t) => {
  const parsed = parseCommandArgs(['--timeout', '2m', '--filter', '12'], {}, 'u');
  t.equal(durationOption(parsed.values, 'timeout', 1), 120_000);
  t.equal(durationOption(parseCommandArgs(['--timeout', '5'], {}, 'u').values, 'timeout', 1), 5000);
  t.equal(durationOption(parseCommandArgs([], {}, 'u').values, 'timeout', 7), 7);
  t.equal(intOption(parsed.values, 'filter'), 12);
});
