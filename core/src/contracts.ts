/**
 * The OpenFaaS wire contracts every Funtainer component shares, as zod schemas with inferred types.
 * Field names and shapes follow faas-provider's types so faas-cli, dashboards and templates work unchanged.
 * Every HTTP body, job payload, stack.yml entry and Docker label set is parsed with these at the edge.
 */
import { z } from 'zod';
import { DNS1123_LABEL, MAX_NAME_LENGTH } from './names.js';
import { imageReferenceProblem } from './image-ref.js';
import { parseCpuNanos, parseMemoryBytes } from './quantities.js';
import { envNameProblem, envValueProblem, labelKeyProblem } from './spec-keys.js';
import type { FunctionScheduleStatus } from './schedule-records.js';

export const NameSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .regex(DNS1123_LABEL, { error: 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit' });

/** A zod string check from a `problem(value) → message | undefined` rule. */
function checkedString(problem: (value: string) => string | undefined, typeError = 'must be a string') {
  return z.string({ error: typeError }).superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

/**
 * A string map whose keys follow `keyProblem`. Keys are checked on the raw input, before zod copies the map
 * (a copy by assignment would swallow `__proto__`), and the message names the map and a short form of the key
 * instead of a 5,000-character path.
 */
function keyedMap(keyProblem: (key: string) => string | undefined, value: z.ZodType<string>): z.ZodType<Record<string, string>, Record<string, string>> {
  const keys = z.unknown().superRefine((raw, ctx) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
    for (const key of Object.keys(raw)) {
      const message = keyProblem(key);
      if (message !== undefined) ctx.addIssue({ code: 'custom', message });
    }
  });
  // The pipe starts from unknown; callers still pass (and infer) a plain string map.
  return keys.pipe(z.record(z.string(), value)) as unknown as z.ZodType<Record<string, string>, Record<string, string>>;
}

const LabelMap = keyedMap(labelKeyProblem, z.string({ error: 'values must be strings' }));
/** OpenFaaS sends `null` for empty label/annotation maps; treat it as empty. */
const NullableLabelMap = LabelMap.nullish().transform((v) => v ?? {});
const EnvMap = keyedMap(envNameProblem, checkedString(envValueProblem, 'values must be strings'));

/** Docker refuses smaller memory limits/reservations ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** Docker refuses fewer NanoCpus ("Range of CPUs is from 0.01 to …"). */
export const MIN_NANO_CPUS = 10_000_000;

function memoryProblem(v: string): string | undefined {
  const bytes = parseMemoryBytes(v);
  if (bytes === undefined) return 'memory must be a quantity like 128Mi, 1G or a byte count';
  return bytes < MIN_MEMORY_BYTES ? `memory must be at least 6Mi (the engine's minimum), got ${v}` : undefined;
}

function cpuProblem(v: string): string | undefined {
  const nanos = parseCpuNanos(v);
  if (nanos === undefined) return 'cpu must be a quantity like 100m or 0.5';
  return nanos < MIN_NANO_CPUS ? `cpu must be at least 10m (0.01 CPU, the engine's minimum), got ${v}` : undefined;
}

export const ResourcesSchema = z
  .object({
    memory: checkedString(memoryProblem).optional(),
    cpu: checkedString(cpuProblem).optional(),
  })
  .loose();
export type Resources = z.infer<typeof ResourcesSchema>;

/** POST/PUT /system/functions body. */
export const FunctionDeploymentSchema = z.object({
  service: NameSchema,
  image: z
    .string({ error: 'image is required' })
    .trim()
    .min(1, { error: 'image is required' })
    .superRefine((value, ctx) => {
      const problem = imageReferenceProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 100)}" is not a valid image reference: it ${problem}` });
    }),
  namespace: NameSchema.optional(),
  envProcess: z.string().optional(),
  envVars: EnvMap.nullish().transform((v) => v ?? {}),
  constraints: z.array(z.string()).nullish().transform((v) => v ?? []),
  secrets: z.array(NameSchema).nullish().transform((v) => v ?? []),
  labels: NullableLabelMap,
  annotations: NullableLabelMap,
  limits: ResourcesSchema.nullish().transform((v) => v ?? undefined),
  requests: ResourcesSchema.nullish().transform((v) => v ?? undefined),
  readOnlyRootFilesystem: z.boolean().optional(),
});
export type FunctionDeployment = z.output<typeof FunctionDeploymentSchema>;
export type FunctionDeploymentInput = z.input<typeof FunctionDeploymentSchema>;

/** GET /system/functions item and GET /system/function/<name>. */
export interface FunctionStatus {
  name: string;
  image: string;
  namespace: string;
  envProcess?: string;
  envVars?: Record<string, string>;
  constraints?: string[];
  secrets?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  limits?: Resources;
  requests?: Resources;
  readOnlyRootFilesystem?: boolean;
  invocationCount?: number;
  /** Desired replicas. */
  replicas: number;
  /** Replicas whose watchdog answered ready. */
  availableReplicas: number;
  createdAt?: string;
  /** Funtainer addition: where the function stands (OpenFaaS clients ignore it). */
  status?: FunctionPhase;
  /** Funtainer addition: why replicas cannot start (the engine's refusal), until one starts or the definition changes. */
  lastError?: FunctionLastError;
  /** Funtainer addition, cron functions only (GET /system/function/<name>): next and last tick. */
  schedule?: FunctionScheduleStatus;
  /**
   * Funtainer addition: sandbox settings the engine cannot apply to this function (`<code>: <why>`), e.g. the
   * Swarm provider on Docker 20.10 (docs/swarm.md). Absent when the sandbox is complete.
   */
  warnings?: string[];
}

/**
 * `ready`: the wanted replicas of the current definition answer ready; `starting`: not yet; `failing`: the engine
 * refuses its replicas (see lastError); `paused`: frozen by scale to zero, woken by the next call; `scaled-to-zero`: 0 wanted.
 */
export type FunctionPhase = 'ready' | 'starting' | 'failing' | 'paused' | 'scaled-to-zero';

export interface FunctionLastError {
  code: string;
  message: string;
  /** ISO time of the last refusal. */
  at: string;
}

export const DeleteFunctionRequestSchema = z.object({
  functionName: NameSchema,
  namespace: NameSchema.optional(),
});
export type DeleteFunctionRequest = z.output<typeof DeleteFunctionRequestSchema>;

export const ScaleServiceRequestSchema = z.object({
  serviceName: NameSchema.optional(),
  namespace: NameSchema.optional(),
  replicas: z.number({ error: 'replicas must be a number' }).int({ error: 'replicas must be an integer' }).min(0, { error: 'replicas must be >= 0' }).max(1000, { error: 'replicas must be <= 1000' }),
});
export type ScaleServiceRequest = z.output<typeof ScaleServiceRequestSchema>;

/** POST/PUT /system/secrets. `rawValue` is base64 (Go []byte), `value` plain text; rawValue wins when set. */
export const SecretSchema = z.object({
  name: NameSchema,
  namespace: NameSchema.optional(),
  value: z.string().optional(),
  rawValue: z.base64({ error: 'rawValue must be base64' }).optional(),
});
export type Secret = z.output<typeof SecretSchema>;

export const SecretRefSchema = z.object({ name: NameSchema, namespace: NameSchema.optional() });

/**
 * POST/PUT /system/namespace/ body and GET /system/namespace/<name> reply: faas-provider's FunctionNamespace.
 * `name` is optional in the body because the path may carry it.
 */
export const FunctionNamespaceSchema = z.object({
  name: NameSchema.optional(),
  labels: NullableLabelMap,
  annotations: NullableLabelMap,
});
export interface FunctionNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** An async invocation as stored in the queue. Body is base64 so binary payloads survive JSON in Redis. */
export const QueueRequestSchema = z.object({
  callId: z.string().min(1),
  function: NameSchema,
  namespace: NameSchema,
  method: z.string().min(1),
  path: z.string(),
  query: z.string(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  body: z.string(),
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  enqueuedAt: z.number(),
  /** Set by the gateway for a topic event's call (core/topics.ts); the worker counts deliveries per topic with it. */
  topic: z.object({ name: z.string().min(1), eventId: z.string().min(1) }).optional(),
});
export type QueueRequest = z.output<typeof QueueRequestSchema>;

/** Formats zod issues as `field: message` lines, naming the path so users can find the bad field. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const where = [prefix, path].filter(Boolean).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
}
