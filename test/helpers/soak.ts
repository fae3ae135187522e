/**
 * A soak run: steady sync load (closed loop) and async load (fixed rate, callbacks to a local receiver) at once
 * against the real stack, a rolling update of the function every `rollEveryMs`, and the RSS of the gateway, the
 * queue-worker and one replica sampled every `sampleEveryMs`. The report gives errors, async calls lost or dead,
 * the RSS slope per process over the last part of the run, and the sync p99 per minute (its drift).
 * Used by `npm run bench -- soak` (10 minutes) and, CI-sized, by test/soak.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { ensureEchoImage } from './docker.js';
import { startSoakStack, type SoakStack } from './soak-stack.js';

export interface SoakOptions {
  readonly durationMs: number;
  readonly rollEveryMs: number;
  readonly sampleEveryMs: number;
  readonly syncConnections: number;
  readonly asyncPerSecond: number;
  readonly redisUrl: string;
  /** Window at the end of the run the RSS slope is taken over. */
  readonly slopeWindowMs: number;
  readonly onProgress?: (line: string) => void;
}

export interface RssSample { readonly atMs: number; readonly gatewayMb: number; readonly workerMb: number; readonly replicaMb: number | undefined }

export interface SoakReport {
  readonly seconds: number;
  readonly sync: { readonly ok: number; readonly failures: readonly string[] };
  readonly async: { readonly accepted: number; readonly refused: readonly string[]; readonly delivered: number; readonly lost: number; readonly failedCallbacks: number };
  readonly rolls: { readonly done: number; readonly failures: readonly string[] };
  readonly rss: readonly RssSample[];
  /** MB change over the slope window (last sample minus first in the window), per process. */
  readonly rssSlopeMb: { readonly gateway: number; readonly worker: number; readonly replica: number | undefined };
  readonly p99ByMinuteMs: readonly number[];
}

const FN = 'soak-echo';

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const image = await ensureEchoImage();
  const stack = await startSoakStack(options.redisUrl);
  try {
    await deploy(stack, image, 0, 'POST');
    await waitReplicas(stack, 2, 60_000);
    return await drive(stack, image, options);
  } catch (err) {
    throw new Error(`${String(err)}\n${stack.output().slice(-3000)}`);
  } finally {
    await stack.close();
  }
}

async function deploy(stack: SoakStack, image: string, generation: number, method: 'POST' | 'PUT'): Promise<void> {
  const res = await fetch(`${stack.gatewayUrl}/system/functions`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      service: FN, image, envProcess: 'node handler.js', envVars: { SOAK_GENERATION: String(generation) },
      labels: { 'com.openfaas.scale.min': '2', 'com.openfaas.scale.max': '2' },
    }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 202) throw new Error(`${method} /system/functions answered ${res.status} ${await res.text()}`);
}

async function waitReplicas(stack: SoakStack, want: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const res = await fetch(`${stack.gatewayUrl}/system/function/${FN}`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (res?.ok && ((await res.json()) as { availableReplicas: number }).availableReplicas >= want) return;
    await sleep(250);
  }
  throw new Error(`${FN} did not reach ${want} ready replicas within ${deadlineMs} ms`);
}

async function rssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function drive(stack: SoakStack, image: string, options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const until = started + options.durationMs;
  const pool = new Pool(stack.gatewayUrl, { connections: options.syncConnections + 4 });
  const syncFailures: string[] = [];
  let syncOk = 0;
  const latencyByMinute: number[][] = [];
  const syncLoop = async () => {
    while (Date.now() < until) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: `/function/${FN}`, body: 'soak', headersTimeout: 30_000, bodyTimeout: 30_000 });
        const text = await res.body.text();
        if (res.statusCode === 200) syncOk++;
        else syncFailures.push(`${res.statusCode} ${text.slice(0, 160)}`);
      } catch (err) {
        syncFailures.push(String(err));
      }
      const minute = Math.floor((Date.now() - started) / 60_000);
      (latencyByMinute[minute] ??= []).push(performance.now() - t0);
    }
  };

  const accepted = new Set<string>();
  const refused: string[] = [];
  let sequence = 0;
  const asyncLoop = async () => {
    const gapMs = 1000 / options.asyncPerSecond;
    let next = Date.now();
    const inFlight = new Set<Promise<void>>();
    while (Date.now() < until) {
      const callId = `soak-${started}-${sequence++}`;
      const p: Promise<void> = pool
        .request({ method: 'POST', path: `/async-function/${FN}`, body: callId, headers: { 'x-call-id': callId, 'x-callback-url': `${stack.receiver.url}/cb` }, headersTimeout: 10_000 })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode === 202) accepted.add(callId);
          else refused.push(`${res.statusCode}`);
        }, (err: unknown) => void refused.push(String(err)))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      next += gapMs;
      await sleep(Math.max(0, next - Date.now()));
    }
    await Promise.all(inFlight);
  };

  let rolls = 0;
  const rollFailures: string[] = [];
  const rollLoop = async () => {
    while (Date.now() + options.rollEveryMs < until) {
      await sleep(options.rollEveryMs);
      try {
        await deploy(stack, image, ++rolls, 'PUT');
        options.onProgress?.(`rolling update ${rolls} at ${Math.round((Date.now() - started) / 1000)} s`);
      } catch (err) {
        rollFailures.push(String(err));
      }
    }
  };

  const samples: RssSample[] = [];
  const sampleLoop = async () => {
    while (Date.now() < until) {
      const [gatewayMb, workerMb, replicaMb] = await Promise.all([rssMb(stack.gatewayPid), rssMb(stack.workerPid), stack.replicaPid(FN).then(rssMb, () => undefined)]);
      samples.push({ atMs: Date.now() - started, gatewayMb: gatewayMb ?? 0, workerMb: workerMb ?? 0, replicaMb });
      options.onProgress?.(`t=${Math.round((Date.now() - started) / 1000)} s sync ok ${syncOk} failed ${syncFailures.length}, async accepted ${accepted.size} delivered ${delivered()}, rss gateway ${gatewayMb?.toFixed(1)} MB worker ${workerMb?.toFixed(1)} MB replica ${replicaMb?.toFixed(1) ?? '-'} MB`);
      await sleep(Math.min(options.sampleEveryMs, Math.max(0, until - Date.now())));
    }
  };
  const deliveredIds = () => new Set(stack.receiver.requests.map((r) => String(r.headers['x-call-id'] ?? '')));
  const delivered = () => deliveredIds().size;

  await Promise.all([...Array.from({ length: options.syncConnections }, syncLoop), asyncLoop(), rollLoop(), sampleLoop()]);
  // Every accepted async call must come back through the callback receiver; bounded wait for the backlog.
  const drainBy = Date.now() + 120_000;
  while (Date.now() < drainBy && [...accepted].some((id) => !deliveredIds().has(id))) await sleep(250);
  await pool.close();
  const got = deliveredIds();
  const failedCallbacks = stack.receiver.requests.filter((r) => r.headers['x-function-status'] !== undefined && r.headers['x-function-status'] !== '200').length;

  const windowStart = options.durationMs - options.slopeWindowMs;
  const inWindow = samples.filter((s) => s.atMs >= windowStart);
  const slope = (pick: (s: RssSample) => number | undefined): number | undefined => {
    const values = inWindow.map(pick).filter((v): v is number => v !== undefined);
    return values.length < 2 ? undefined : (values.at(-1) as number) - (values[0] as number);
  };
  return {
    seconds: (Date.now() - started) / 1000,
    sync: { ok: syncOk, failures: syncFailures },
    async: { accepted: accepted.size, refused, delivered: [...accepted].filter((id) => got.has(id)).length, lost: [...accepted].filter((id) => !got.has(id)).length, failedCallbacks },
    rolls: { done: rolls, failures: rollFailures },
    rss: samples,
    rssSlopeMb: { gateway: slope((s) => s.gatewayMb) ?? 0, worker: slope((s) => s.workerMb) ?? 0, replica: slope((s) => s.replicaMb) },
    p99ByMinuteMs: latencyByMinute.map((l) => percentile(l, 99)),
  };
}
