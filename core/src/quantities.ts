/**
 * Kubernetes-style resource quantities as OpenFaaS writes them in `limits`/`requests` (`128Mi`, `100m`).
 * Docker wants bytes and nano-CPUs, so the provider converts with these; the zod schemas use them to reject
 * bad limits at the edge with a message instead of failing later inside the engine.
 */

const MEMORY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** `128Mi` → 134217728; `1G` → 1e9; `1048576` → 1048576; invalid → undefined. */
export function parseMemoryBytes(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([kKMGT]i?|)$/.exec(raw.trim());
  if (!m) return undefined;
  const factor = MEMORY_SUFFIX[m[2] as string];
  if (factor === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}

/** `100m` → 0.1 CPU; `0.5` → 0.5; `2` → 2; invalid or zero → undefined. Returned as Docker NanoCpus. */
export function parseCpuNanos(raw: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(raw.trim());
  if (!m) return undefined;
  const cpus = m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
  const nanos = Math.round(cpus * 1e9);
  return nanos > 0 ? nanos : undefined;
}

/** Docker reports bytes back; OpenFaaS clients expect a quantity string. */
export function formatMemory(bytes: number): string {
  for (const [suffix, factor] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return String(bytes);
}

export function formatCpu(nanos: number): string {
  const milli = nanos / 1e6;
  return Number.isInteger(milli / 1000) ? String(milli / 1000) : `${Math.round(milli)}m`;
}
