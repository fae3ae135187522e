/**
 * Health checks `funtainer status` can run from this machine without the gateway's help: Docker (docker info),
 * Redis (redis-cli PING, when installed) and Prometheus (/-/healthy, when FUNTAINER_PROMETHEUS_URL is set).
 * Each check is bounded so one hung dependency never hangs the command.
 */
import { execFile } from 'node:child_process';
import { errorMessage } from '@funtainer/core/errors';

export interface CheckResult {
  readonly name: string;
  /** undefined: could not be checked from here (tool missing, URL not configured). */
  readonly ok: boolean | undefined;
  readonly detail: string;
}

const CHECK_TIMEOUT_MS = 5000;

function run(command: string, args: readonly string[]): Promise<{ code: number | 'missing'; output: string }> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: CHECK_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') resolve({ code: 'missing', output: '' });
      else resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

export async function checkDocker(): Promise<CheckResult> {
  const result = await run('docker', ['info', '--format', '{{.ServerVersion}} ({{.ContainersRunning}} containers running)']);
  if (result.code === 'missing') return { name: 'docker', ok: undefined, detail: 'docker CLI not installed' };
  if (result.code === 0) return { name: 'docker', ok: true, detail: `server ${result.output}` };
  return { name: 'docker', ok: false, detail: `${result.output.split('\n').pop() ?? 'docker info failed'}; start Docker (bash scripts/env.sh)` };
}

export async function checkRedis(redisUrl: string | undefined): Promise<CheckResult> {
  const args = redisUrl ? ['-u', redisUrl, 'PING'] : ['PING'];
  const result = await run('redis-cli', args);
  if (result.code === 'missing') return { name: 'redis', ok: undefined, detail: 'redis-cli not installed; cannot check from here' };
  const where = redisUrl ?? '127.0.0.1:6379';
  if (result.code === 0 && result.output === 'PONG') return { name: 'redis', ok: true, detail: `PONG from ${where}` };
  return { name: 'redis', ok: false, detail: `${where}: ${result.output || 'no answer'}; start Redis (bash scripts/env.sh)` };
}

export async function checkPrometheus(url: string | undefined): Promise<CheckResult> {
  if (!url) return { name: 'prometheus', ok: undefined, detail: 'set FUNTAINER_PROMETHEUS_URL to check' };
  const target = `${url.replace(/\/+$/, '')}/-/healthy`;
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    await response.body?.cancel();
    return { name: 'prometheus', ok: response.ok, detail: `${target} answered ${response.status}` };
  } catch (err) {
    return { name: 'prometheus', ok: false, detail: `${target}: ${errorMessage(err)}` };
  }
}

/** The gateway's own view of a dependency from GET /system/info `health` (Funtainer extension). */
export function checkFromInfo(name: string, value: unknown): CheckResult {
  if (typeof value === 'boolean') return { name, ok: value, detail: 'reported by the gateway' };
  if (typeof value === 'string') return { name, ok: /^(ok|up|healthy|ready)$/i.test(value), detail: `gateway: ${value}` };
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const ok = typeof record.ok === 'boolean' ? record.ok : typeof record.status === 'string' ? /^(ok|up|healthy|ready)$/i.test(record.status) : undefined;
    const detail = typeof record.message === 'string' ? record.message : typeof record.status === 'string' ? record.status : JSON.stringify(value);
    return { name, ok, detail: `gateway: ${detail}` };
  }
  return { name, ok: undefined, detail: `gateway: ${String(value)}` };
}

export function formatCheck(check: CheckResult): string {
  const mark = check.ok === undefined ? '?' : check.ok ? 'ok' : 'FAIL';
  return `${mark.padEnd(4)} ${check.name.padEnd(11)} ${check.detail}`;
}
