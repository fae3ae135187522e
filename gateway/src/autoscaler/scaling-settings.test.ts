import t from 'tap';
import { FuntainerError } from '@funtainer/core/errors';
import { DEFAULT_SCALING_SETTINGS, parseScalingLabels, scalingSettingsOrDefaults, validateScalingLabels } from './scaling-settings.js';

const L = 'com.openfaas.scale.';

t.test('no labels → defaults', async (t) => {
  t.same(parseScalingLabels(undefined), { ok: true, settings: DEFAULT_SCALING_SETTINGS });
  t.same(parseScalingLabels(null), { ok: true, settings: DEFAULT_SCALING_SETTINGS });
  t.same(parseScalingLabels({ unrelated: 'x' }), { ok: true, settings: DEFAULT_SCALING_SETTINGS });
});

t.test('every label is read', async (t) => {
  const result = parseScalingLabels({
    [`${L}min`]: '0', [`${L}max`]: '40', [`${L}target`]: '7.5', [`${L}type`]: 'queue',
    [`${L}target-proportion`]: '1', [`${L}zero`]: 'true', [`${L}zero-duration`]: '90s', [`${L}factor`]: '25',
  });
  t.same(result, {
    ok: true,
    settings: { min: 0, max: 40, target: 7.5, type: 'queue', targetProportion: 1, zero: true, zeroDurationMs: 90_000, factor: 25 },
  });
});

const invalid: Array<[string, Record<string, string>, RegExp]> = [
  ['max < min', { [`${L}min`]: '5', [`${L}max`]: '2' }, /max=2 is lower than .*min=5/],
  ['min above default max, max unset', { [`${L}min`]: '30' }, /set both explicitly/],
  ['negative min', { [`${L}min`]: '-1' }, /scale\.min="-1": must be an integer/],
  ['non-numeric max', { [`${L}max`]: 'ten' }, /scale\.max="ten"/],
  ['zero max', { [`${L}max`]: '0' }, /scale\.max="0"/],
  ['fractional min', { [`${L}min`]: '1.5' }, /scale\.min/],
  ['zero target', { [`${L}target`]: '0' }, /scale\.target="0": must be a number > 0/],
  ['negative target', { [`${L}target`]: '-3' }, /scale\.target/],
  ['proportion 0', { [`${L}target-proportion`]: '0' }, /target-proportion="0": must be a number in \(0, 1\]/],
  ['proportion > 1', { [`${L}target-proportion`]: '1.2' }, /target-proportion/],
  ['proportion garbage', { [`${L}target-proportion`]: 'high' }, /target-proportion/],
  ['unknown type', { [`${L}type`]: 'cpu' }, /scale\.type="cpu": must be one of rps, capacity, queue/],
  ['bad zero flag', { [`${L}zero`]: 'maybe' }, /scale\.zero="maybe"/],
  ['bad zero-duration', { [`${L}zero-duration`]: '15 minutes' }, /zero-duration/],
  ['zero zero-duration', { [`${L}zero-duration`]: '0s' }, /zero-duration/],
  ['factor 0', { [`${L}factor`]: '0' }, /scale\.factor="0": must be an integer 1\.\.100/],
  ['factor > 100', { [`${L}factor`]: '101' }, /scale\.factor/],
];

for (const [name, labels, expected] of invalid) {
  t.test(`rejects ${name}`, async (t) => {
    const result = parseScalingLabels(labels);
    t.equal(result.ok, false);
    if (!result.ok) t.match(result.errors.join('\n'), expected);
  });
}

t.test('all problems are listed at once', async (t) => {
  const result = parseScalingLabels({ [`${L}min`]: 'x', [`${L}type`]: 'cpu', [`${L}factor`]: '0' });
  t.equal(result.ok ? 0 : result.errors.length, 3);
});

t.test('validateScalingLabels throws a 400 with every error in details', async (t) => {
  t.same(validateScalingLabels({ [`${L}max`]: '3' }).max, 3);
  try {
    validateScalingLabels({ [`${L}min`]: '5', [`${L}max`]: '2' });
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof FuntainerError);
    const e = err as FuntainerError;
    t.equal(e.code, 'FUNTAINER_ERR_INVALID_SPEC');
    t.equal(e.statusCode, 400);
    t.match(e.message, /invalid scaling labels/);
    t.equal((e.details?.['errors'] as string[]).length, 1);
  }
});

t.test('runtime read falls back to defaults and reports why', async (t) => {
  const { settings, errors } = scalingSettingsOrDefaults({ [`${L}type`]: 'cpu' });
  t.same(settings, DEFAULT_SCALING_SETTINGS);
  t.equal(errors.length, 1);
});
