/**
 * The invoke form: calls `/function/<name>` (or `/async-function/<name>`, which answers 202 and runs the call
 * later through the queue) and shows what came back — status, X-Duration-Seconds, headers and the body as
 * text. A function's own 4xx/5xx is a result to show, not a page error; only a failed fetch is an error.
 */
import { invocationName } from './api.js';
import { byId, clearError, h, showError } from './dom.js';

/** fetch refuses a body on these. */
const NO_BODY = new Set(['GET', 'HEAD']);

export class InvokePanel {
  #functionName;
  #form = byId('invoke-form');
  #error = byId('invoke-error');
  #result = byId('invoke-result');

  /** `functionName()` returns the selected function; `onInvoked()` refreshes the counts. */
  constructor(functionName, onInvoked) {
    this.#functionName = functionName;
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#invoke().then(onInvoked);
    });
  }

  /** Forgets the last result (another function was selected). */
  reset() {
    clearError(this.#error);
    this.#result.replaceChildren();
  }

  async #invoke() {
    const name = this.#functionName();
    if (name === undefined) return;
    const fields = this.#form.elements;
    const method = fields.namedItem('method').value;
    const isAsync = fields.namedItem('async').checked;
    const url = `/${isAsync ? 'async-function' : 'function'}/${encodeURIComponent(invocationName(name))}`;
    const init = { method, headers: {} };
    if (!NO_BODY.has(method)) {
      init.body = fields.namedItem('body').value;
      const contentType = fields.namedItem('contentType').value.trim();
      if (contentType !== '') init.headers['content-type'] = contentType;
    }
    clearError(this.#error);
    this.#result.replaceChildren(h('p', { className: 'muted' }, `${method} ${url}…`));
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const body = await response.text();
      this.#show(method, url, response, body, performance.now() - started);
    } catch (err) {
      this.#result.replaceChildren();
      showError(this.#error, new Error(`${method} ${url} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  #show(method, url, response, body, roundTripMs) {
    const duration = response.headers.get('x-duration-seconds');
    const headers = h('dl', { className: 'kv' });
    for (const [key, value] of response.headers) headers.append(h('dt', {}, key), h('dd', {}, value));
    this.#result.replaceChildren(
      h(
        'dl',
        { className: 'kv summary' },
        h('dt', {}, 'Request'),
        h('dd', {}, `${method} ${url}`),
        h('dt', {}, 'Status'),
        h('dd', { className: response.ok ? 'ok' : 'bad', 'data-testid': 'invoke-status' }, `${response.status} ${response.statusText}`.trim()),
        h('dt', {}, 'Duration'),
        h('dd', { 'data-testid': 'invoke-duration' }, duration === null ? '— (no X-Duration-Seconds)' : `${duration} s`),
        h('dt', {}, 'Round trip'),
        h('dd', {}, `${Math.round(roundTripMs)} ms`),
      ),
      h('details', {}, h('summary', {}, 'Response headers'), headers),
      h('h4', {}, 'Response body'),
      h('pre', { className: 'body', 'data-testid': 'invoke-body', tabIndex: 0 }, body === '' ? '(empty)' : body),
    );
  }
}
