import t from 'tap';
import { idleAction, type IdleInput } from './idle.js';
import { DEFAULT_SCALING_SETTINGS } from './scaling-settings.js';

const zero = { ...DEFAULT_SCALING_SETTINGS, zero: true, zeroDurationMs: 60_000 };
const base: IdleInput = { settings: zero, nowMs: 0, lastActiveMs: 0, pausedSinceMs: undefined, replicas: 2, canPause: true, removeAfterMs: 600_000 };

const cases: Array<[string, Partial<IdleInput>, string]> = [
  ['zero=false never idles out', { settings: DEFAULT_SCALING_SETTINGS, nowMs: 10 ** 9 }, 'none'],
  ['active recently', { nowMs: 59_999 }, 'none'],
  ['idle for zero-duration → pause', { nowMs: 60_000 }, 'pause'],
  ['idle, provider cannot pause → remove', { nowMs: 60_000, canPause: false }, 'remove'],
  ['paused, not long enough', { nowMs: 600_000, pausedSinceMs: 60_000 }, 'none'],
  ['paused for remove-after → remove', { nowMs: 660_000, pausedSinceMs: 60_000 }, 'remove'],
  ['already at zero', { nowMs: 10 ** 9, replicas: 0 }, 'none'],
  ['paused but activity since (woken) → none', { nowMs: 700_000, pausedSinceMs: 60_000, lastActiveMs: 690_000 }, 'none'],
];

for (const [name, override, want] of cases) {
  t.test(name, async (t) => {
    t.equal(idleAction({ ...base, ...override }), want);
  });
}
