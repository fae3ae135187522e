/**
 * PURE: the parts of the Docker provider's sandbox a Swarm service spec cannot express on a given engine, each
 * with a stable code. They are measured facts about Docker 20.10 (API 1.41, checked on the test swarm by
 * inspecting a task's container), not guesses: the provider logs them at start and at every deploy, and reports
 * them in the function's status (`warnings`), so the sandbox is never silently weaker (docs/swarm.md).
 */

export interface SandboxGap {
  readonly code: 'no-new-privileges' | 'memory-swap' | 'capabilities' | 'pids-limit' | 'network-isolation';
  readonly message: string;
}

/** `1.41` → [1, 41]; anything unparsable counts as the oldest API we know. */
function apiVersionParts(version: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : [1, 0];
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = apiVersionParts(version);
  return a > major || (a === major && b >= minor);
}

export function sandboxGaps(apiVersion: string): SandboxGap[] {
  const gaps: SandboxGap[] = [];
  if (!atLeast(apiVersion, 1, 44)) {
    // Swarm's ContainerSpec gained Privileges.NoNewPrivileges with API 1.44 (Docker 25); older engines drop it.
    gaps.push({ code: 'no-new-privileges', message: `no-new-privileges is not applied: the swarm's API ${apiVersion} cannot express it (needs 1.44, Docker 25); every capability is still dropped, so a setuid binary gains a uid but no capability` });
  }
  if (!atLeast(apiVersion, 1, 41)) {
    gaps.push({ code: 'capabilities', message: `capabilities are not dropped: the swarm's API ${apiVersion} has no CapabilityDrop (needs 1.41, Docker 20.10)` });
    gaps.push({ code: 'pids-limit', message: `no pids limit: the swarm's API ${apiVersion} has no Resources.Limits.Pids (needs 1.41, Docker 20.10)` });
  }
  // A service spec has no memory-swap setting on these engines: the engine default (swap up to the memory limit
  // again) applies on nodes that have swap, where the Docker provider allows none.
  gaps.push({ code: 'memory-swap', message: 'memory swap is not limited: a task may use swap up to its memory limit again on nodes that have swap enabled' });
  gaps.push({ code: 'network-isolation', message: 'functions share one overlay network (functions_network): a function can reach another function\'s tasks directly, not only through the gateway' });
  return gaps;
}

export function describeGaps(gaps: readonly SandboxGap[]): string[] {
  return gaps.map((g) => `${g.code}: ${g.message}`);
}
