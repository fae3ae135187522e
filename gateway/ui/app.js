/**
 * Entry module of the web UI: wires the panels together and keeps the list fresh. Plain DOM, no framework and
 * no build step: the gateway serves these files as they are.
 */
import { gatewayInfo, listFunctions, listNamespaces, setNamespace } from './api.js';
import { DeployForm } from './deploy.js';
import { DetailsPanel } from './details.js';
import { byId, clearError, showError } from './dom.js';
import { FunctionsTable } from './functions-list.js';
import { InvokePanel } from './invoke.js';

/** Replicas and invocation counts move on their own (autoscaler, traffic): reload this often while visible. */
const REFRESH_MS = 5_000;

const pageError = byId('page-error');
// A bug here or a promise nobody awaited is shown in the page, never lost in the console.
window.addEventListener('error', (event) => showError(pageError, event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => showError(pageError, event.reason));

const listStatus = byId('list-status');
const listError = byId('list-error');
const details = new DetailsPanel(refresh, exclusive);
const invoke = new InvokePanel(() => details.name, refresh);
const table = new FunctionsTable(byId('functions'), (name) => select(name));
new DeployForm(async (name) => {
  await refresh();
  await select(name);
});

async function select(name) {
  table.select(name);
  invoke.reset();
  await details.show(name);
}

async function load() {
  try {
    const functions = await listFunctions();
    clearError(listError);
    table.render(functions);
    const count = functions.length === 1 ? '1 function' : `${functions.length} functions`;
    listStatus.textContent = `${count} · updated ${new Date().toLocaleTimeString()}`;
    // Removed (here or by someone else): its panel would only show 404s.
    if (details.name !== undefined && !functions.some((fn) => fn.name === details.name)) details.hide();
    table.select(details.name);
    await details.refresh();
  } catch (err) {
    showError(listError, err);
  }
}

// Loads run one after another: a refresh asked for after a deploy or scale starts after any load already
// running, so it always shows the change, and the timer can never pile requests up behind a slow gateway.
let loads = Promise.resolve();
function refresh() {
  loads = loads.then(load);
  return loads;
}

/** Runs `task` in the same queue as the loads (after any running one, before the next); its outcome is the caller's. */
function exclusive(task) {
  const run = loads.then(task);
  loads = run.catch(() => undefined);
  return run;
}

async function poll() {
  if (!document.hidden) await refresh();
  setTimeout(poll, REFRESH_MS);
}

/** Fills the namespace selector (keeping the choice while it still exists); the first is the gateway's default. */
const namespaceSelect = byId('namespace');
async function loadNamespaces() {
  const names = await listNamespaces();
  const chosen = names.includes(namespaceSelect.value) ? namespaceSelect.value : names[0];
  namespaceSelect.replaceChildren(...names.map((name) => new Option(name, name, false, name === chosen)));
  setNamespace(chosen);
}
namespaceSelect.addEventListener('change', () => {
  setNamespace(namespaceSelect.value);
  details.hide();
  invoke.reset();
  void refresh();
});

byId('refresh').addEventListener('click', () => void loadNamespaces().then(refresh, (err) => showError(pageError, err)));
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) void refresh();
});
gatewayInfo()
  .then((info) => {
    byId('gateway-info').textContent = `${info.provider.provider} · release ${info.version.release} (${info.version.sha})`;
  })
  .catch((err) => showError(pageError, err));
loadNamespaces()
  .catch((err) => showError(pageError, err))
  .finally(() => void poll());
