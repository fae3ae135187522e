/**
 * Picks the fork launcher once, at start: the native helper when its binary is found and answers, otherwise Node's
 * spawn, with a log line saying which and why. A missing helper costs speed, never correctness.
 */
import { accessSync, constants } from 'node:fs';
import type { Logger } from '../logger.js';
import type { ForkLauncher } from './fork-launcher.js';
import type { ForkOptions } from './fork-process.js';
import { HelperForkLauncher } from './helper-launcher.js';
import { NodeForkLauncher } from './node-launcher.js';

export interface LauncherChoice {
  /** config.forkHelper: 'auto' (look in `candidates`), 'off' (Node spawn), or the helper's path. */
  readonly forkHelper: string;
  /** Where 'auto' looks: beside the watchdog's script or executable (main.ts knows where that is). */
  readonly candidates: readonly string[];
}

export async function startForkLauncher(options: ForkOptions, choice: LauncherChoice, log: Logger): Promise<ForkLauncher> {
  const nodeLauncher = (reason: string): ForkLauncher => {
    log.info('fork launcher: node spawn', { reason });
    return new NodeForkLauncher(options);
  };
  if (choice.forkHelper === 'off') return nodeLauncher('fork_helper=off');
  const binary = choice.forkHelper === 'auto' ? choice.candidates.find(isExecutable) : choice.forkHelper;
  if (binary === undefined) return nodeLauncher(`no fork-helper in ${choice.candidates.join(', ') || '(nowhere to look)'}`);
  const helper = new HelperForkLauncher(binary, options, log);
  try {
    await helper.start();
  } catch (err) {
    await helper.stop();
    log.warn('fork helper failed to start', { path: binary, err: err instanceof Error ? err : new Error(String(err)) });
    return nodeLauncher(`fork helper ${binary} failed to start`);
  }
  log.info('fork launcher: helper', { path: binary });
  return helper;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
