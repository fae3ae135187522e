/**
 * Accepting/draining state and the lock file (docs/openfaas-compat.md §6.3).
 *
 * The lock file (`<os.tmpdir()>/.lock`) is what `-run-healthcheck` and exec-style probes look at, so it is written
 * only after the server listens and deleted as the first step of a drain. State lives in this object, created per
 * watchdog, never in a module-level flag.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WatchdogError, WATCHDOG_ERROR_CODES } from './errors.js';

export function defaultLockPath(): string {
  return join(tmpdir(), '.lock');
}

export class Lifecycle {
  private accepting = false;
  private draining = false;

  constructor(
    readonly lockPath: string,
    private readonly suppressLock: boolean,
  ) {}

  /** Called once the server listens: write the lock (unless suppressed) and start accepting. */
  markReady(): void {
    if (!this.suppressLock) {
      try {
        writeFileSync(this.lockPath, '');
      } catch (cause) {
        throw new WatchdogError(WATCHDOG_ERROR_CODES.lockFile, `cannot write lock file ${this.lockPath}`, { cause });
      }
    }
    this.accepting = true;
  }

  /** First step of SIGTERM handling: probes fail from now on. Idempotent. */
  markDraining(): void {
    this.accepting = false;
    this.draining = true;
    if (!this.suppressLock) rmSync(this.lockPath, { force: true });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Healthy = accepting and (unless suppress_lock) the lock file still exists, so deleting the lock by hand also
   * takes the instance out of rotation as in of-watchdog. With suppress_lock we rely on the accepting flag only; the
   * of-watchdog code would answer 503 forever there, which makes suppress_lock unusable behind probes.
   */
  isHealthy(): boolean {
    if (!this.accepting) return false;
    return this.suppressLock || existsSync(this.lockPath);
  }
}

/** `watchdog -run-healthcheck`: exit status for a container HEALTHCHECK without curl in the image. */
export function lockFileExists(lockPath: string): boolean {
  return existsSync(lockPath);
}
