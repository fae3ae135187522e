/**
 * The stack.yml schema: OpenFaaS's (go-sdk stack/schema.go, docs/openfaas-compat.md §9.1) plus Funtainer's
 * optional extras, which faas-cli ignores. Objects are strict so a typo is reported instead of silently ignored.
 */
import { z } from 'zod';
import { NameSchema } from './contracts.js';
import { parseDurationMs } from './env-values.js';
import { parseCpuNanos, parseMemoryBytes } from './quantities.js';

/** Error text for a wrong or missing value: says what was expected and what was found. */
function expected(what: string) {
  return (issue: { input?: unknown }): string => {
    if (issue.input === undefined) return `is required (${what})`;
    const found = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'a list' : `a ${typeof issue.input}`;
    return `must be ${what}, got ${found}`;
  };
}

const Text = z.string({ error: expected('a string') });
const Flag = z.boolean({ error: expected('true or false') });
const TextList = z.array(Text, { error: expected('a list of strings') });
/** YAML turns `PORT: 8080` into a number; OpenFaaS maps are string-valued, so scalars are stringified. */
const Scalar = z.union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') }).transform(String);
const ScalarMap = z.record(z.string(), Scalar, { error: expected('a map of KEY: value') });

const Memory = Scalar.refine((v) => parseMemoryBytes(v) !== undefined, { error: 'must be a quantity like 128Mi, 1Gi or a byte count' });
const Cpu = Scalar.refine((v) => parseCpuNanos(v) !== undefined, { error: 'must be a quantity like 100m or 0.5' });

const ResourcesSchema = z.strictObject(
  { memory: Memory.optional(), cpu: Cpu.optional(), 'nvidia.com/gpu': Scalar.optional(), 'amd.com/gpu': Scalar.optional(), 'intel.com/gpu': Scalar.optional() },
  { error: expected('a map with memory and/or cpu') },
);

/** A duration string (`30s`, `2m`) or a number of seconds; kept as the string the watchdog and gateway parse. */
const Duration = z
  .union([z.string(), z.number()], { error: expected('a duration like 30s, 2m or a number of seconds') })
  .transform(String)
  .refine((v) => parseDurationMs(v) !== undefined, { error: 'must be a duration like 30s, 500ms, 2m or a number of seconds' });

const NonNegativeInt = z.number({ error: expected('a whole number') }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' });

export const WATCHDOG_MODE_VALUES = ['streaming', 'serializing', 'http', 'static', 'module'] as const;

/** Funtainer extra: autoscaling knobs written as com.openfaas.scale.* labels. */
const ScaleSchema = z.strictObject(
  {
    min: NonNegativeInt.optional(),
    max: NonNegativeInt.optional(),
    target: NonNegativeInt.optional(),
    type: z.enum(['rps', 'capacity', 'cpu'], { error: 'must be one of rps, capacity, cpu' }).optional(),
    zero: Flag.optional(),
    zero_duration: Duration.optional(),
  },
  { error: expected('a map with min, max, target, type, zero, zero_duration') },
).refine((s) => s.min === undefined || s.max === undefined || s.min <= s.max, { error: 'min must not exceed max', path: ['min'] });

export const StackFunctionSchema = z.strictObject(
  {
    lang: Text.transform((v) => (v === 'Dockerfile' ? 'dockerfile' : v)).optional(),
    handler: Text.optional(),
    image: Text.trim().min(1, { error: 'must not be empty (e.g. funtainer/echo:latest)' }),
    fprocess: Text.optional(),
    environment: ScalarMap.optional(),
    environment_file: TextList.optional(),
    secrets: z.array(NameSchema, { error: expected('a list of secret names') }).optional(),
    labels: ScalarMap.optional(),
    annotations: ScalarMap.optional(),
    limits: ResourcesSchema.optional(),
    requests: ResourcesSchema.optional(),
    readonly_root_filesystem: Flag.optional(),
    constraints: TextList.optional(),
    build_args: ScalarMap.optional(),
    build_options: TextList.optional(),
    build_secrets: ScalarMap.optional(),
    platforms: Text.optional(),
    namespace: NameSchema.optional(),
    skip_build: Flag.optional(),
    // Funtainer extras (faas-cli ignores unknown function keys it does not model; we model them)
    timeout: Duration.optional(),
    max_concurrency: NonNegativeInt.optional(),
    private: Flag.optional(),
    mode: z.enum(WATCHDOG_MODE_VALUES, { error: `must be one of ${WATCHDOG_MODE_VALUES.join(', ')}` }).optional(),
    scale: ScaleSchema.optional(),
  },
  { error: expected('a map of function settings') },
);
export type StackFunctionSpec = z.output<typeof StackFunctionSchema>;

const FunctionsSchema = z
  .record(z.string(), StackFunctionSchema, { error: expected('a map of function name → settings') })
  .superRefine((functions, ctx) => {
    for (const name of Object.keys(functions)) {
      if (!NameSchema.safeParse(name).success) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a valid function name: use lower-case letters, digits and "-" (max 63)' });
      }
    }
  });

export const StackFileSchema = z.strictObject(
  {
    // YAML reads an unquoted 1.0 as the number 1
    version: z.union([z.literal('1.0'), z.literal(1)], { error: 'must be "1.0"' }).transform(() => '1.0' as const).optional(),
    provider: z.strictObject(
      {
        name: z.literal('openfaas', { error: 'must be "openfaas" (the only provider name faas-cli accepts)' }),
        gateway: Text.optional(),
        /** faas-cli < 0.9 wrote `network`; accepted and ignored so old files keep working. */
        network: Text.optional(),
      },
      { error: expected('a map with name: openfaas and gateway') },
    ),
    functions: FunctionsSchema,
    configuration: z
      .strictObject(
        {
          templates: z.array(z.strictObject({ name: Text, source: Text.optional() }), { error: expected('a list of {name, source}') }).optional(),
          copy: TextList.optional(),
        },
        { error: expected('a map with templates and/or copy') },
      )
      .optional(),
  },
  { error: expected('a map with provider and functions') },
);
export type StackFileSpec = z.output<typeof StackFileSchema>;

/** An environment_file document: `environment: {KEY: value}`. */
export const EnvironmentFileSchema = z.strictObject({ environment: ScalarMap }, { error: expected('a map with environment: {KEY: value}') });
