/**
 * The deploy form: POST /system/functions with name, image, fprocess, env and labels. The gateway is the one
 * judge of what is valid (names, label values, timeouts): the form checks only the KEY=VALUE line syntax and
 * shows the API's message for anything it refuses.
 */
import { deployFunction } from './api.js';
import { byId, clearError, parseKeyValueLines, showError } from './dom.js';

export class DeployForm {
  #form = byId('deploy-form');
  #error = byId('deploy-error');
  #result = byId('deploy-result');
  #onDeployed;

  /** `onDeployed(name)` runs after a 202 (refresh the list, select the new function). */
  constructor(onDeployed) {
    this.#onDeployed = onDeployed;
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#deploy();
    });
  }

  #spec() {
    const value = (field) => this.#form.elements.namedItem(field).value;
    const spec = {
      service: value('service').trim(),
      image: value('image').trim(),
      envVars: parseKeyValueLines(value('envVars'), 'Environment'),
      labels: parseKeyValueLines(value('labels'), 'Labels'),
    };
    const fprocess = value('envProcess').trim();
    if (fprocess !== '') spec.envProcess = fprocess;
    return spec;
  }

  async #deploy() {
    clearError(this.#error);
    this.#result.textContent = '';
    const submit = this.#form.querySelector('button[type="submit"]');
    submit.disabled = true;
    try {
      const spec = this.#spec();
      await deployFunction(spec);
      this.#result.textContent = `Deployed ${spec.service}; replicas start in the background.`;
      this.#form.reset();
      await this.#onDeployed(spec.service);
    } catch (err) {
      showError(this.#error, err);
    } finally {
      submit.disabled = false;
    }
  }
}
