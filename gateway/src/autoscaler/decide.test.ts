import t from 'tap';
import { decide, INITIAL_DECISION_MEMORY, type DecisionMemory, type DecisionPolicy, type DecisionReason } from './decide.js';
import { DEFAULT_SCALING_SETTINGS, type ScalingSettings } from './scaling-settings.js';

// target 10 × proportion 1 → one replica per 10 units of load: keeps the arithmetic in the table obvious.
const base: ScalingSettings = { ...DEFAULT_SCALING_SETTINGS, target: 10, targetProportion: 1, min: 1, max: 10 };
const policy: DecisionPolicy = { panicThreshold: 2, panicHoldMs: 60_000, scaleDownDelayMs: 30_000 };

interface Step {
  /** Seconds since the scenario started. */
  readonly at: number;
  readonly stable?: number;
  readonly panic?: number;
  readonly backlog?: number;
  /** Override the replica count going into this step (otherwise the previous decision is applied). */
  readonly current?: number;
  readonly want: { desired: number; reason: DecisionReason; panicking?: boolean };
}

interface Scenario {
  readonly name: string;
  readonly settings?: Partial<ScalingSettings>;
  readonly start: number;
  readonly steps: readonly Step[];
}

const scenarios: Scenario[] = [
  { name: 'steady load keeps replicas', start: 2, steps: [
    { at: 0, stable: 20, panic: 20, want: { desired: 2, reason: 'steady' } },
    { at: 2, stable: 19, panic: 21, want: { desired: 2, reason: 'steady' } },
  ] },
  { name: 'ramp scales up with the stable window, without delay', start: 1, steps: [
    { at: 0, stable: 12, panic: 15, want: { desired: 2, reason: 'load' } },
    { at: 2, stable: 25, panic: 30, want: { desired: 3, reason: 'load' } },
    { at: 4, stable: 41, panic: 45, want: { desired: 5, reason: 'load' } },
  ] },
  { name: 'proportion leaves headroom: 45 req/s at target 50 × 0.9 needs 1, 46 needs 2',
    settings: { target: 50, targetProportion: 0.9 }, start: 1, steps: [
      { at: 0, stable: 45, panic: 45, want: { desired: 1, reason: 'steady' } },
      { at: 2, stable: 46, panic: 46, want: { desired: 2, reason: 'load' } },
    ] },
  { name: 'panic entry jumps to the panic desired at once, hold blocks scale-down, exit after 60 s', start: 1, steps: [
    { at: 0, stable: 5, panic: 60, want: { desired: 6, reason: 'panic', panicking: true } },
    { at: 2, stable: 8, panic: 30, want: { desired: 6, reason: 'panic-hold', panicking: true } },
    { at: 30, stable: 3, panic: 0, want: { desired: 6, reason: 'panic-hold', panicking: true } },
    { at: 59, stable: 1, panic: 0, want: { desired: 6, reason: 'panic-hold', panicking: true } },
    { at: 60, stable: 1, panic: 0, want: { desired: 6, reason: 'scale-down-delayed', panicking: false } },
    { at: 90, stable: 1, panic: 0, want: { desired: 1, reason: 'load' } },
  ] },
  { name: 'panic re-trigger extends the hold and can raise replicas further', start: 1, steps: [
    { at: 0, stable: 5, panic: 25, want: { desired: 3, reason: 'panic', panicking: true } },
    { at: 40, stable: 10, panic: 70, want: { desired: 7, reason: 'panic', panicking: true } },
    { at: 80, stable: 10, panic: 0, want: { desired: 7, reason: 'panic-hold', panicking: true } },
    { at: 100, stable: 10, panic: 0, want: { desired: 7, reason: 'scale-down-delayed', panicking: false } },
  ] },
  { name: 'below 2× capacity is not panic', start: 2, steps: [
    { at: 0, stable: 20, panic: 39, want: { desired: 2, reason: 'steady', panicking: false } },
  ] },
  { name: 'scale-down waits for the delay and applies the highest count seen meanwhile', start: 5, steps: [
    { at: 0, stable: 10, panic: 10, want: { desired: 5, reason: 'scale-down-delayed' } },
    { at: 10, stable: 30, panic: 30, want: { desired: 5, reason: 'scale-down-delayed' } },
    { at: 29, stable: 10, panic: 10, want: { desired: 5, reason: 'scale-down-delayed' } },
    { at: 30, stable: 10, panic: 10, want: { desired: 3, reason: 'load' } },
  ] },
  { name: 'a tick at or above current cancels a pending scale-down', start: 4, steps: [
    { at: 0, stable: 10, panic: 10, want: { desired: 4, reason: 'scale-down-delayed' } },
    { at: 20, stable: 40, panic: 40, want: { desired: 4, reason: 'steady' } },
    { at: 40, stable: 10, panic: 10, want: { desired: 4, reason: 'scale-down-delayed' } },
    { at: 69, stable: 10, panic: 10, want: { desired: 4, reason: 'scale-down-delayed' } },
    { at: 70, stable: 10, panic: 10, want: { desired: 1, reason: 'load' } },
  ] },
  { name: 'max bounds a ramp', settings: { max: 4 }, start: 2, steps: [
    { at: 0, stable: 35, panic: 35, want: { desired: 4, reason: 'load' } },
    { at: 2, stable: 500, panic: 500, want: { desired: 4, reason: 'panic', panicking: true } },
  ] },
  { name: 'min bounds the floor, no load means min', settings: { min: 3 }, start: 3, steps: [
    { at: 0, stable: 0, panic: 0, want: { desired: 3, reason: 'steady' } },
  ] },
  { name: 'replicas outside bounds are corrected at once', settings: { min: 2, max: 5 }, start: 9, steps: [
    { at: 0, stable: 0, panic: 0, want: { desired: 2, reason: 'bounds' } },
    { at: 2, current: 1, stable: 0, panic: 0, want: { desired: 2, reason: 'bounds' } },
  ] },
  { name: 'queue type: 1,000 waiting jobs scale up without any sync traffic', settings: { type: 'queue', max: 20 }, start: 1, steps: [
    { at: 0, backlog: 1000, want: { desired: 20, reason: 'panic', panicking: true } },
  ] },
  { name: 'queue type: a modest backlog scales without panic', settings: { type: 'queue' }, start: 2, steps: [
    { at: 0, backlog: 30, stable: 999, panic: 999, want: { desired: 3, reason: 'queue-backlog', panicking: false } },
    { at: 2, backlog: 0, want: { desired: 3, reason: 'scale-down-delayed' } },
    { at: 32, backlog: 0, want: { desired: 1, reason: 'queue-backlog' } },
  ] },
  { name: 'rps type: a backlog is an extra signal', start: 1, steps: [
    { at: 0, stable: 5, panic: 5, backlog: 15, want: { desired: 2, reason: 'queue-backlog' } },
  ] },
  { name: 'zero: idle at zero stays at zero', settings: { zero: true }, start: 0, steps: [
    { at: 0, want: { desired: 0, reason: 'at-zero' } },
  ] },
  { name: 'zero: a backlog brings a function back from zero', settings: { zero: true, type: 'queue' }, start: 0, steps: [
    { at: 0, backlog: 5, want: { desired: 1, reason: 'queue-backlog' } },
  ] },
  { name: 'at zero without zero=true: back to min', settings: { min: 2 }, start: 0, steps: [
    { at: 0, want: { desired: 2, reason: 'bounds' } },
  ] },
];

for (const scenario of scenarios) {
  t.test(scenario.name, async (t) => {
    const settings = { ...base, ...scenario.settings };
    let current = scenario.start;
    let memory: DecisionMemory = INITIAL_DECISION_MEMORY;
    for (const step of scenario.steps) {
      current = step.current ?? current;
      const input = { stable: step.stable ?? 0, panic: step.panic ?? 0 };
      const decision = decide({ settings, current, load: input, backlog: step.backlog ?? 0, nowMs: step.at * 1000 }, memory, policy);
      const got = { desired: decision.desired, reason: decision.reason, ...(step.want.panicking === undefined ? {} : { panicking: decision.panicking }) };
      t.same(got, step.want, `t=${step.at}s current=${current}`);
      t.equal(decision.direction, decision.desired > current ? 'up' : decision.desired < current ? 'down' : 'none');
      memory = decision.memory;
      current = decision.desired;
    }
  });
}
