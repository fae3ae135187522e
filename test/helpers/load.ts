/**
 * Load and waiting for integration tests: a request with a deadline, loops of concurrent clients that record
 * every non-200 answer, and a poll-until with a deadline (every wait in a test must end).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface CallResult {
  readonly status: number;
  readonly body: string;
}

export async function call(url: string, init: RequestInit = {}, timeoutMs = 30_000): Promise<CallResult> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

export interface LoadResult {
  readonly ok: number;
  /** Every answer other than 200 (status and start of the body), and transport errors. */
  readonly failures: string[];
}

/** `clients` loops of back-to-back POSTs to `url` until stopped. */
export function loadLoop(url: string, clients: number): { stop(): Promise<LoadResult> } {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const r = await call(url, { method: 'POST', body: 'load' });
        if (r.status === 200) ok++;
        else failures.push(`${r.status} ${r.body.slice(0, 160)}`);
      } catch (err) {
        failures.push(String(err));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { ok, failures };
    },
  };
}

/** Polls `probe` until it returns true; throws naming `what` after `deadlineMs`. Resolves to the time taken. */
export async function waitFor(probe: () => boolean | Promise<boolean>, what: string, deadlineMs: number, intervalMs = 100): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
