/**
 * The selected function's panel: its details (GET /system/function/<name>), and the scale and delete actions.
 * Invocation has its own module (invoke.js) in the same panel.
 */
import { deleteFunction, getFunction, scaleFunction } from './api.js';
import { byId, clearError, h, keyValues, showError } from './dom.js';

export class DetailsPanel {
  #name;
  #onChanged;
  #exclusive;
  #section = byId('details');
  #heading = byId('details-heading');
  #body = byId('details-body');
  #error = byId('details-error');
  #replicas = byId('scale-replicas');
  #scaleResult = byId('scale-result');

  /**
   * `onChanged()` runs after a scale or a delete, so the list refreshes at once. `exclusive(task)` runs the
   * task between the page's loads, never during one: a delete then cannot race a load that is about to read
   * the function it removes (a stray 404 in the page).
   */
  constructor(onChanged, exclusive = (task) => task()) {
    this.#onChanged = onChanged;
    this.#exclusive = exclusive;
    byId('scale-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#scale();
    });
    byId('delete').addEventListener('click', () => void this.#delete());
  }

  get name() {
    return this.#name;
  }

  /** Shows `name` (a new selection resets the forms' messages). */
  async show(name) {
    if (name !== this.#name) {
      this.#name = name;
      this.#scaleResult.textContent = '';
      this.#replicas.value = '';
    }
    this.#section.hidden = false;
    this.#heading.textContent = name;
    await this.refresh();
  }

  hide() {
    this.#name = undefined;
    this.#section.hidden = true;
  }

  async refresh() {
    const name = this.#name;
    if (name === undefined) return;
    try {
      const fn = await getFunction(name);
      if (name !== this.#name) return; // the user picked another function meanwhile
      clearError(this.#error);
      this.#render(fn);
    } catch (err) {
      if (name === this.#name) showError(this.#error, err);
    }
  }

  #render(fn) {
    // Filled in for a new selection or after a scale; never while the user is typing a count.
    if (this.#replicas.value === '' && document.activeElement !== this.#replicas) this.#replicas.value = String(fn.replicas);
    const facts = {
      namespace: fn.namespace,
      image: fn.image,
      fprocess: fn.envProcess ?? '—',
      replicas: `${fn.availableReplicas} available of ${fn.replicas}`,
      invocations: fn.invocationCount ?? 0,
      created: fn.createdAt ?? '—',
    };
    const sections = [
      ['Environment', fn.envVars],
      ['Labels', fn.labels],
      ['Annotations', fn.annotations],
      ['Secrets', Object.fromEntries((fn.secrets ?? []).map((secret) => [secret, 'mounted']))],
      ['Limits', fn.limits],
      ['Requests', fn.requests],
    ];
    if (fn.scaling !== undefined) sections.push(['Scaling', scalingFacts(fn.scaling)]);
    if (fn.schedule !== undefined) sections.push(['Schedule', scheduleFacts(fn.schedule)]);
    const opened = new Set(['Environment', 'Scaling', 'Schedule']);
    this.#body.replaceChildren(
      keyValues(facts, false),
      ...sections.map(([title, values]) => h('details', { open: opened.has(title) }, h('summary', {}, title), keyValues(values))),
    );
  }

  async #scale() {
    const name = this.#name;
    const replicas = Number(this.#replicas.value);
    clearError(this.#error);
    this.#scaleResult.textContent = '';
    if (!Number.isInteger(replicas) || replicas < 0) {
      showError(this.#error, new Error('Replicas must be a whole number, 0 or more'));
      return;
    }
    try {
      await scaleFunction(name, replicas);
      this.#scaleResult.textContent = `Scaling ${name} to ${replicas}`;
      await this.#onChanged();
    } catch (err) {
      showError(this.#error, err);
    }
  }

  async #delete() {
    const name = this.#name;
    if (name === undefined || !window.confirm(`Delete function ${name}? Its replicas are stopped and removed.`)) return;
    clearError(this.#error);
    try {
      await this.#exclusive(async () => {
        await deleteFunction(name);
        this.hide();
      });
      await this.#onChanged();
    } catch (err) {
      showError(this.#error, err);
    }
  }
}

/** The autoscaler's view in words: the last decision as "1 → 2 (panic) at 18:20:44" and its inputs one per line. */
function scalingFacts(scaling) {
  const { lastDecision, ...state } = scaling;
  if (lastDecision === undefined || lastDecision === null) return { ...state, 'last decision': 'none yet' };
  const at = new Date(lastDecision.at).toLocaleTimeString();
  const inputs = Object.entries(lastDecision.inputs ?? {}).map(([key, value]) => `${key} ${value}`);
  return {
    ...state,
    'last decision': `${lastDecision.from} → ${lastDecision.desired} (${lastDecision.reason}) at ${at}`,
    inputs: inputs.join(', '),
  };
}

/** A cron function's schedule (GET /system/function's `schedule`): expression, next tick, last tick and its outcome. */
function scheduleFacts(schedule) {
  const run = schedule.lastRun;
  const when = (iso) => new Date(iso).toLocaleString();
  const facts = { expression: schedule.pattern, 'time zone': schedule.timezone ?? 'gateway local time' };
  if (schedule.error !== undefined) return { ...facts, 'next run': `unknown (${schedule.error})` };
  facts['next run'] = schedule.nextRun === null ? 'none scheduled' : when(schedule.nextRun);
  if (run === null) return { ...facts, 'last run': 'not yet' };
  const outcome = [run.state ?? 'record expired', run.statusCode].filter((part) => part !== undefined).join(' ');
  return { ...facts, 'last run': `${when(run.tick)}: ${outcome}`, 'last call id': run.callId };
}
