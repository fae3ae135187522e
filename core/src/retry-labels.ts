/**
 * The async retry labels (`com.openfaas.retry.*`, the OpenFaaS Pro queue-worker's names), read once for both
 * components: the gateway rejects bad values at deploy with every problem named, the queue-worker applies them
 * per call. Values set behind the gateway's back (older gateway, hand-edited containers) are read leniently: a
 * bad value keeps the worker's default, an attempts value above the queue's ceiling is cut to it.
 */
import { ASYNC_ATTEMPTS_CEILING } from './async-queue.js';
import { parseDurationMs, parseNonNegativeInt } from './env-values.js';
import { LABELS } from './labels.js';

type Labels = Readonly<Record<string, string>> | undefined;

/** What the labels ask for; a field is absent when its label is absent or unreadable. */
export interface RetryLabelValues {
  readonly attempts?: number;
  readonly codes?: readonly number[];
  readonly minWaitMs?: number;
  readonly maxWaitMs?: number;
}

/** `"429, 502,503"` → [429, 502, 503]; undefined when any entry is not an HTTP status code. */
export function parseStatusCodes(raw: string): number[] | undefined {
  const codes = raw.split(/[,\s]+/).filter(Boolean).map(Number);
  return codes.length > 0 && codes.every((c) => Number.isInteger(c) && c >= 100 && c <= 599) ? codes : undefined;
}

function present(labels: Labels, key: string): string | undefined {
  const raw = labels?.[key];
  return raw === undefined || raw.trim() === '' ? undefined : raw;
}

function parseAttempts(raw: string): number | undefined {
  const n = parseNonNegativeInt(raw);
  return n !== undefined && n >= 1 ? n : undefined;
}

function read<T>(labels: Labels, key: string, parse: (raw: string) => T | undefined): T | undefined {
  const raw = present(labels, key);
  return raw === undefined ? undefined : parse(raw);
}

/** PURE: the retry labels as the worker applies them (lenient, attempts capped at ASYNC_ATTEMPTS_CEILING). */
export function retryLabelValues(labels: Labels): RetryLabelValues {
  const attempts = read(labels, LABELS.retryAttempts, parseAttempts);
  const codes = read(labels, LABELS.retryCodes, parseStatusCodes);
  const minWaitMs = read(labels, LABELS.retryMinWait, parseDurationMs);
  const maxWaitMs = read(labels, LABELS.retryMaxWait, parseDurationMs);
  return {
    ...(attempts !== undefined ? { attempts: Math.min(attempts, ASYNC_ATTEMPTS_CEILING) } : {}),
    ...(codes !== undefined ? { codes } : {}),
    ...(minWaitMs !== undefined ? { minWaitMs } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
  };
}

/** PURE: deploy-time problems with the retry labels, as `labels.<key>: message` lines (empty when fine). */
export function retryLabelProblems(labels: Labels): string[] {
  const problems: string[] = [];
  const attempts = present(labels, LABELS.retryAttempts);
  if (attempts !== undefined) {
    const n = parseAttempts(attempts);
    if (n === undefined || n > ASYNC_ATTEMPTS_CEILING) {
      problems.push(`labels.${LABELS.retryAttempts}: "${attempts}" is not an integer from 1 to ${ASYNC_ATTEMPTS_CEILING}`);
    }
  }
  const codes = present(labels, LABELS.retryCodes);
  if (codes !== undefined && parseStatusCodes(codes) === undefined) {
    problems.push(`labels.${LABELS.retryCodes}: "${codes}" is not a comma-separated list of HTTP status codes`);
  }
  for (const key of [LABELS.retryMinWait, LABELS.retryMaxWait]) {
    const raw = present(labels, key);
    if (raw !== undefined && parseDurationMs(raw) === undefined) problems.push(`labels.${key}: "${raw}" is not a duration (use 500ms, 2s or 1m)`);
  }
  const min = read(labels, LABELS.retryMinWait, parseDurationMs);
  const max = read(labels, LABELS.retryMaxWait, parseDurationMs);
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(`labels.${LABELS.retryMinWait}: must not exceed ${LABELS.retryMaxWait}`);
  }
  return problems;
}
