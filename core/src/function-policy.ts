/**
 * Access policy read from a function's labels, defined once for every component that applies it: the gateway
 * (`/function/` and `/async-function/` admission) and the queue-worker (whether to send its credentials). Two
 * readings of one label would let a value be private to one side and public to the other.
 */
import { parseBoolean } from './env-values.js';
import { LABELS } from './labels.js';

type Labels = Readonly<Record<string, string>> | undefined;

/**
 * Whether invoking the function needs the gateway's credentials (`com.funtainer.private`).
 * Absent → public; a boolean spelling (`true|1|yes|on`, `false|0|no|off`, any case) → that value; anything
 * else → private. Deploy rejects such values (privateLabelProblem), so this only decides for labels set
 * behind the gateway's back, and there a typo must not expose a function: fail closed.
 */
export function isPrivateFunction(labels: Labels): boolean {
  const raw = labels?.[LABELS.private];
  if (raw === undefined) return false;
  return parseBoolean(raw) !== false;
}

/** The deploy-time problem with a `com.funtainer.private` value, or undefined when it is acceptable. */
export function privateLabelProblem(labels: Labels): string | undefined {
  const raw = labels?.[LABELS.private];
  if (raw === undefined || parseBoolean(raw) !== undefined) return undefined;
  return `labels.${LABELS.private}: "${raw}" is not a boolean (use true or false)`;
}
