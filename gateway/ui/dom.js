/**
 * DOM helpers for the UI. Nodes are built from properties and text only — API data never goes through
 * innerHTML — so a function name, label or response body is always shown as inert text.
 */

/** Attributes set with setAttribute (ARIA, data-*, a few without a matching property); the rest are properties. */
const ATTRIBUTE = /^(aria-|data-)|^(role|scope|for)$/;

/**
 * h('td', { className: 'num' }, 'text', childNode): an element with properties and children.
 * Strings become Text nodes, never markup.
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (ATTRIBUTE.test(key)) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  // A renamed id in index.html should fail loudly at start, not as a null dereference later.
  if (node === null) throw new Error(`the page has no element #${id}`);
  return node;
}

/** Shows an error's message in a `role="alert"` paragraph (its `hidden` is lifted). */
export function showError(node, err) {
  node.textContent = err instanceof Error ? err.message : String(err);
  node.hidden = false;
}

export function clearError(node) {
  node.textContent = '';
  node.hidden = true;
}

/**
 * A <dl> of an object's entries (objects as JSON), or a "none" line when it is empty. Sorted by key unless
 * `sorted` is false (a fixed list of facts keeps its own order).
 */
export function keyValues(object, sorted = true) {
  const entries = Object.entries(object ?? {});
  if (entries.length === 0) return h('p', { className: 'muted' }, 'none');
  if (sorted) entries.sort(([a], [b]) => a.localeCompare(b));
  const list = h('dl', { className: 'kv' });
  for (const [key, value] of entries) {
    list.append(h('dt', {}, key), h('dd', {}, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)));
  }
  return list;
}

/**
 * Parses KEY=VALUE lines (the deploy form's env and labels). Blank lines and `#` comments are skipped; the
 * value keeps any further `=`. A line without `=` or with an empty key throws, naming the line.
 */
export function parseKeyValueLines(text, what) {
  const result = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${what}, line ${index + 1}: expected KEY=VALUE, got "${line}"`);
    result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  });
  return result;
}
