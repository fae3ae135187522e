/**
 * In-memory RequestQueuer for route and unit tests. It runs nothing by itself: tests play the worker through
 * the QueueDriver methods (take / complete / fail). It passes queuer.contract.ts, like the BullMQ one.
 */
import type { QueueRequest } from '@funtainer/core/contracts';
import { redactUrlCredentials } from '@funtainer/core/async-records';
import { FuntainerError } from '@funtainer/core/errors';
import type { AsyncCallState, AsyncCallStatus, FinishedCall, JobCounts, QueueCounts, RecordedResponse, RequestQueuer, Retention } from '../async/request-queuer.js';
import { ASYNC_ATTEMPTS_CEILING, ASYNC_RETENTION } from '@funtainer/core/async-queue';
import { emptyCounts } from '../async/request-queuer.js';

/** Plays the queue-worker's part against a queuer, so the contract suite can move calls between states. */
export interface QueueDriver {
  /** Takes the oldest queued call (→ running) and returns its id. */
  take(): Promise<string | undefined>;
  complete(callId: string, response: RecordedResponse): Promise<void>;
  /** Fails a running call for good, recording its last response. */
  fail(callId: string, response: RecordedResponse, reason: string): Promise<void>;
}

interface CallRecord {
  request: QueueRequest;
  state: AsyncCallState;
  attempts: number;
  lastResponse?: RecordedResponse;
  error?: string;
  startedAt?: number;
  finishedAt?: number;
  /** Insertion order; lists show newest first, as BullMQ does for finished sets. */
  seq: number;
}

export interface MemoryQueuer extends RequestQueuer, QueueDriver {
  /** Simulates Redis going away: enqueue and every other call reject with QUEUE_UNAVAILABLE. */
  setAvailable(available: boolean): void;
}

export interface MemoryQueuerOptions {
  readonly maxAttempts?: number;
  readonly now?: () => number;
  /** Cancelled calls kept (age in seconds), as the BullMQ queuer keeps them. @defaultValue 7 days / 10 000 */
  readonly keepCancelled?: Retention;
}

export function createMemoryQueuer(options: MemoryQueuerOptions = {}): MemoryQueuer {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? ASYNC_ATTEMPTS_CEILING;
  const keepCancelled = options.keepCancelled ?? ASYNC_RETENTION.cancelled;
  const calls = new Map<string, CallRecord>();
  const listeners = new Set<(call: FinishedCall) => void>();
  let available = true;
  let seq = 0;

  function guard(): void {
    if (!available) throw new FuntainerError('FUNTAINER_ERR_QUEUE_UNAVAILABLE');
    trimCancelled();
  }
  /** Forgets cancelled calls past the age and the oldest beyond the count, so they vanish from status and list. */
  function trimCancelled(): void {
    const cutoff = now() - keepCancelled.age * 1000;
    const newestFirst = [...calls.entries()].filter(([, c]) => c.state === 'cancelled').sort(([, a], [, b]) => b.seq - a.seq);
    newestFirst.forEach(([id, c], i) => {
      if (i >= keepCancelled.count || (c.finishedAt ?? 0) <= cutoff) calls.delete(id);
    });
  }
  function find(callId: string): CallRecord {
    const call = calls.get(callId);
    if (!call) throw new FuntainerError('FUNTAINER_ERR_JOB_NOT_FOUND');
    return call;
  }
  function running(callId: string): CallRecord {
    const call = find(callId);
    if (call.state !== 'running') throw new FuntainerError('FUNTAINER_ERR_JOB_STATE');
    return call;
  }
  function finish(callId: string, call: CallRecord, outcome: FinishedCall['outcome']): void {
    call.finishedAt = now();
    call.seq = ++seq;
    const event = { function: fnName(call.request), outcome, durationMs: call.finishedAt - call.request.enqueuedAt, attempts: call.attempts };
    for (const listener of listeners) listener(event);
  }

  function toStatus(callId: string, call: CallRecord): AsyncCallStatus {
    const url = call.request.callbackUrl === undefined ? undefined : redactUrlCredentials(call.request.callbackUrl);
    return {
      callId,
      function: fnName(call.request),
      state: call.state,
      attempts: call.attempts,
      maxAttempts,
      ...(call.lastResponse ? { statusCode: call.lastResponse.statusCode, lastResponse: call.lastResponse } : {}),
      ...(call.error ? { error: call.error } : {}),
      enqueuedAt: call.request.enqueuedAt,
      ...(call.startedAt ? { startedAt: call.startedAt } : {}),
      ...(call.finishedAt ? { finishedAt: call.finishedAt } : {}),
      // a cancelled call never finishes, so its callback will never be sent
      callback: url ? { state: call.state === 'cancelled' ? 'none' : 'pending', url, attempts: 0 } : { state: 'none', attempts: 0 },
    };
  }

  return {
    async enqueue(req) {
      guard();
      // A known id runs once; a cancelled one was never run and may be posted again (BullMQ removed its job).
      const known = calls.get(req.callId);
      if (!known || known.state === 'cancelled') calls.set(req.callId, { request: structuredClone(req), state: 'queued', attempts: 0, seq: ++seq });
      return { callId: req.callId };
    },
    async status(callId) {
      guard();
      const call = calls.get(callId);
      return call ? toStatus(callId, call) : undefined;
    },
    async list(query) {
      guard();
      const matching = [...calls.entries()]
        .filter(([, c]) => c.state === query.state && (query.function === undefined || fnName(c.request) === query.function))
        .sort(([, a], [, b]) => (query.state === 'queued' ? a.seq - b.seq : b.seq - a.seq));
      return { items: matching.slice(query.offset, query.offset + query.limit).map(([id, c]) => toStatus(id, c)), total: matching.length };
    },
    async retry(callId) {
      guard();
      const call = find(callId);
      if (call.state !== 'failed') throw new FuntainerError('FUNTAINER_ERR_JOB_STATE');
      Object.assign(call, { state: 'queued', attempts: 0, seq: ++seq });
      delete call.finishedAt;
      delete call.error;
    },
    async cancel(callId) {
      guard();
      const call = find(callId);
      if (call.state !== 'queued') throw new FuntainerError('FUNTAINER_ERR_JOB_STATE');
      // seq moves to the cancellation, so the cancelled list is newest-cancelled first, as in BullMQ
      Object.assign(call, { state: 'cancelled', finishedAt: now(), seq: ++seq });
      trimCancelled();
    },
    async counts(): Promise<QueueCounts> {
      guard();
      const total = emptyCounts();
      const byFunction = new Map<string, JobCounts>();
      const field = { queued: 'waiting', running: 'active', failed: 'failed' } as const;
      for (const call of calls.values()) {
        if (!(call.state in field)) continue;
        const key = field[call.state as keyof typeof field];
        total[key] += 1;
        const counts = byFunction.get(fnName(call.request)) ?? emptyCounts();
        counts[key] += 1;
        byFunction.set(fnName(call.request), counts);
      }
      return { total, byFunction };
    },
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
    async take() {
      const next = [...calls.entries()].filter(([, c]) => c.state === 'queued').sort(([, a], [, b]) => a.seq - b.seq)[0];
      if (!next) return undefined;
      Object.assign(next[1], { state: 'running', startedAt: now() });
      return next[0];
    },
    async complete(callId, response) {
      const call = running(callId);
      Object.assign(call, { state: 'succeeded', attempts: call.attempts + 1, lastResponse: response });
      finish(callId, call, 'succeeded');
    },
    async fail(callId, response, reason) {
      const call = running(callId);
      Object.assign(call, { state: 'failed', attempts: call.attempts + 1, lastResponse: response, error: reason });
      finish(callId, call, 'failed');
    },
    setAvailable(value) {
      available = value;
    },
  };
}

function fnName(req: QueueRequest): string {
  return `${req.function}.${req.namespace}`;
}
