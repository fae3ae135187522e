/**
 * The functions table. Rows are keyed by name and updated in place on every refresh, so the periodic reload
 * neither flickers nor steals keyboard focus from a row's button.
 */
import { h } from './dom.js';

const COLUMNS = ['image', 'replicas', 'availableReplicas', 'invocationCount'];

export class FunctionsTable {
  #tbody;
  #onSelect;
  #rows = new Map();
  #selected;

  /** `onSelect(name)` runs when the user picks a function. */
  constructor(table, onSelect) {
    this.#tbody = table.tBodies[0];
    this.#onSelect = onSelect;
  }

  get selected() {
    return this.#selected;
  }

  /** Shows `functions` (the GET /system/functions answer), sorted by name. */
  render(functions) {
    const sorted = [...functions].sort((a, b) => a.name.localeCompare(b.name));
    const seen = new Set(sorted.map((fn) => fn.name));
    for (const [name, row] of this.#rows) {
      if (!seen.has(name)) {
        row.remove();
        this.#rows.delete(name);
      }
    }
    this.#tbody.querySelector('.empty')?.remove();
    sorted.forEach((fn, index) => {
      const row = this.#rows.get(fn.name) ?? this.#newRow(fn.name);
      COLUMNS.forEach((key, i) => {
        const text = String(fn[key] ?? '—');
        const cell = row.cells[i + 1];
        if (cell.textContent !== text) cell.textContent = text;
      });
      // Moved only when out of place: re-inserting a row would drop the focus of its button.
      const current = this.#tbody.rows[index];
      if (current !== row) this.#tbody.insertBefore(row, current ?? null);
    });
    if (sorted.length === 0) {
      this.#tbody.append(h('tr', { className: 'empty' }, h('td', { colSpan: 5, className: 'muted' }, 'No functions deployed yet.')));
    }
    this.#markSelected();
  }

  select(name) {
    this.#selected = name;
    this.#markSelected();
  }

  #newRow(name) {
    const button = h('button', { type: 'button', className: 'link', title: `Show ${name}` }, name);
    button.addEventListener('click', () => {
      this.select(name);
      this.#onSelect(name);
    });
    const row = h(
      'tr',
      { 'data-name': name },
      h('th', { scope: 'row' }, button),
      h('td', { className: 'image' }),
      h('td', { className: 'num' }),
      h('td', { className: 'num' }),
      h('td', { className: 'num' }),
    );
    this.#rows.set(name, row);
    return row;
  }

  #markSelected() {
    for (const [name, row] of this.#rows) {
      if (name === this.#selected) {
        row.setAttribute('aria-current', 'true');
        row.querySelector('button').setAttribute('aria-pressed', 'true');
      } else {
        row.removeAttribute('aria-current');
        row.querySelector('button').setAttribute('aria-pressed', 'false');
      }
    }
  }
}
