/**
 * The web UI in a real browser (Debian's Chromium, driven by playwright-core) against the real gateway over the
 * real Docker provider, basic auth on: 401 without credentials; with them the page lists a deployed function,
 * shows its env and cron schedule, invokes it, deploys a second one through the form (a bad name shows the API's 400), scales it
 * and deletes it — with no console error, page error or failed request on the way. Narrow screens do not scroll
 * sideways. Every wait has a deadline; containers are removed by label in teardown.
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { Registry } from 'prom-client';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { buildGateway } from '@funtainer/gateway/app';
import { loadConfig } from '@funtainer/gateway/config';
import { createFunctionSchedules } from '@funtainer/gateway/schedules/function-schedules';
import { createMemorySchedules } from '@funtainer/gateway/testing/memory-schedules';
import { setUpDockerProviderFixture } from './helpers/docker-provider-fixture.js';
import { call, waitFor } from './helpers/load.js';

t.setTimeout(300_000);
/** Debian's chromium package (scripts/env.sh installs it); FUNTAINER_CHROMIUM points elsewhere. */
const CHROMIUM = process.env['FUNTAINER_CHROMIUM'] ?? '/usr/bin/chromium';
const WAIT_MS = 30_000;
const credentials = { username: 'admin', password: randomBytes(12).toString('hex') };
const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;

const fixture = await setUpDockerProviderFixture(t);

async function startGateway(t: Tap): Promise<string> {
  let gateway: Awaited<ReturnType<typeof buildGateway>> | undefined;
  const provider = await fixture!.makeProvider({ inFlight: (id) => gateway?.inFlight(id) ?? 0 });
  await provider.start();
  const config = loadConfig({ port: '0', metrics_port: '0', bind_address: '127.0.0.1', basic_auth: 'true', upstream_timeout: '20s', write_timeout: '25s' });
  // Schedules in memory: the panel only reads them (the firing is test/cron-schedule.test.ts's business).
  const schedules = createFunctionSchedules({ store: createMemorySchedules(), callStatus: async () => undefined, log: { warn: () => {} } });
  gateway = await buildGateway({ provider, config, registry: new Registry(), credentials: { user: credentials.username, password: credentials.password }, schedules });
  const g = gateway;
  t.teardown(async () => {
    await g.close();
    await provider.close();
  });
  return `http://127.0.0.1:${(await gateway.listen()).port}`;
}
type Tap = { teardown(fn: () => unknown): void };

async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run \`bash scripts/env.sh\` (it installs Debian's chromium package) or set FUNTAINER_CHROMIUM`);
  }
  return chromium.launch({ executablePath: CHROMIUM, timeout: WAIT_MS });
}

/** Everything that went wrong inside the page; the expected 400 of the bad deploy is allowed once. */
function watchPage(page: Page): () => string[] {
  const problems: string[] = [];
  let expected400 = 0;
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    const badDeploy = res.status() === 400 && res.request().method() === 'POST' && res.url().endsWith('/system/functions');
    if (badDeploy && expected400++ === 0) return;
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
  });
  page.on('console', (msg) => {
    // Chromium logs every 4xx fetch as a console error; only the expected deploy 400 may do so.
    const isExpected = /status of 400/.test(msg.text()) && msg.location().url.endsWith('/system/functions');
    if (msg.type() === 'error' && !isExpected) problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  return () => problems;
}

/** The cells of a function's row (name, image, replicas, available, invocations), or undefined without a row. */
async function rowCells(page: Page, name: string): Promise<string[] | undefined> {
  const row = page.locator(`#functions tbody tr[data-name="${name}"]`);
  if ((await row.count()) === 0) return undefined;
  return (await row.locator('th, td').allTextContents()).map((text) => text.trim());
}

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: WAIT_MS })) ?? '';
}

if (fixture) {
  const { run, image } = fixture;
  const first = run.uniqueName('ui-first');
  const second = run.uniqueName('ui-second');
  const third = run.uniqueName('ui-third');

  t.test('web UI in Chromium over the Docker provider', async (t) => {
    // First, so a missing Chromium fails the test before any container starts.
    const browser = await launchChromium();
    t.teardown(() => browser.close());
    const url = await startGateway(t);
    const deploy = await call(`${url}/system/functions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ service: first, image, envProcess: 'node handler.js', envVars: { GREETING: 'from-the-test' }, annotations: { topic: 'cron-function', schedule: '0 9 * * *', timezone: 'UTC' } }),
    });
    t.equal(deploy.status, 202, 'first function deployed through the API');

    // Headless Chromium has no prompt to cancel: a navigation without credentials fails outright, so the page
    // asks from an open URL of the same origin without sending any, and a wrong password gets the 401 page.
    const anonymous = await browser.newContext();
    const anonymousPage = await anonymous.newPage();
    await anonymousPage.goto(`${url}/healthz`, { timeout: WAIT_MS });
    const noCredentials = await anonymousPage.evaluate(`fetch('/ui/', { credentials: 'omit' }).then((r) => [r.status, r.headers.get('www-authenticate')])`);
    t.same(noCredentials, [401, 'Basic realm="Restricted"'], 'no credentials: 401 and the browser prompt');
    await anonymous.close();
    const wrong = await browser.newContext({ httpCredentials: { ...credentials, password: 'wrong' } });
    const denied = await (await wrong.newPage()).goto(`${url}/ui/`, { timeout: WAIT_MS });
    t.equal(denied?.status(), 401, 'wrong credentials: 401');
    await wrong.close();

    const context = await browser.newContext({ httpCredentials: credentials });
    context.setDefaultTimeout(WAIT_MS);
    const page = await context.newPage();
    const problems = watchPage(page);
    await page.goto(`${url}/`, { timeout: WAIT_MS });
    t.equal(new URL(page.url()).pathname, '/ui/', '/ redirects to the UI');

    await waitFor(async () => (await rowCells(page, first)) !== undefined, `${first} listed`, WAIT_MS);
    t.match(await rowCells(page, first), [first, image, '1', /^[01]$/, '0'], 'name, image, replicas, available, invocations');
    t.match(await textOf(page.locator('#gateway-info')), /funtainer-docker|release/, 'gateway info in the header');

    await page.getByRole('button', { name: first, exact: true }).click();
    const environment = page.locator('#details-body details', { hasText: 'Environment' });
    await waitFor(async () => /GREETING\s*from-the-test/.test(await textOf(environment)), 'env in the details', WAIT_MS);
    t.pass('details show the env');
    const schedule = page.locator('#details-body details').filter({ has: page.locator('summary', { hasText: /^Schedule$/ }) });
    await waitFor(async () => /expression\s*0 9 \* \* \*/.test(await textOf(schedule)), 'the schedule in the details', WAIT_MS);
    const scheduleText = await textOf(schedule);
    for (const fact of [/time zone\s*UTC/, /next run\s*\d/, /last run\s*not yet/]) t.match(scheduleText, fact, `schedule shows ${fact.source}`);

    await page.getByLabel('Request body').fill('hello from the browser');
    await page.getByRole('button', { name: 'Invoke' }).click();
    const status = page.getByTestId('invoke-status');
    await status.waitFor();
    t.match(await textOf(status), /^200\b/, 'invoke: 200');
    t.match(JSON.parse(await textOf(page.getByTestId('invoke-body'))), { echo: 'hello from the browser' }, 'echoed body');
    t.match(await textOf(page.getByTestId('invoke-duration')), /^\d+(\.\d+)? s$/, 'X-Duration-Seconds shown');
    await waitFor(async () => (await rowCells(page, first))?.[4] === '1', 'invocation count 1', WAIT_MS);

    const form = page.getByRole('region', { name: 'Deploy a function' });
    await form.getByLabel('Name').fill('Bad_Name');
    await form.getByLabel('Image').fill(image);
    await form.getByLabel('Process (fprocess)').fill('node handler.js');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await waitFor(async () => /^400 FUNTAINER_ERR_INVALID_SPEC: service: must be a DNS-1123 label/.test(await textOf(page.locator('#deploy-error'))), 'the API 400 shown', WAIT_MS);
    t.pass('a bad name shows the API message');

    await form.getByLabel('Name').fill(second);
    await form.getByLabel('Environment (KEY=VALUE, one per line)').fill('GREETING=second\n# comment\nVERSION=2');
    await form.getByLabel('Labels (KEY=VALUE, one per line)').fill('com.funtainer.timeout=10s');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await waitFor(async () => (await rowCells(page, second)) !== undefined, `${second} listed after deploy`, WAIT_MS);
    t.ok(await page.locator('#deploy-error').isHidden(), 'the earlier error is cleared');
    t.equal(await textOf(page.locator('#details-heading')), second, 'the new function is selected');
    await waitFor(async () => /VERSION\s*2/.test(await textOf(environment)), 'its env in the details', WAIT_MS);

    await page.getByLabel('Replicas').fill('2');
    await page.getByRole('button', { name: 'Scale' }).click();
    await waitFor(async () => {
      const cells = await rowCells(page, second);
      return cells?.[2] === '2' && cells[3] === '2';
    }, `${second} at 2 available replicas`, 60_000);
    t.pass('scaling changes replicas');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete function' }).click();
    await waitFor(async () => (await rowCells(page, second)) === undefined, `${second} gone from the list`, WAIT_MS);
    t.ok(await page.locator('#details').isHidden(), 'the details panel closes');
    t.equal((await call(`${url}/system/function/${second}`, { headers: { authorization: basic } })).status, 404, 'deleted in the gateway');

    // Namespaces: the header's selector scopes the list, the deploy form, invoke and the details to one.
    const teamNs = run.uniqueName('ui-ns');
    const created = await call(`${url}/system/namespace/`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic }, body: JSON.stringify({ name: teamNs }),
    });
    t.equal(created.status, 201, 'namespace created through the API');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const picker = page.getByLabel('Namespace');
    await waitFor(async () => (await picker.locator('option').allTextContents()).includes(teamNs), 'the new namespace offered', WAIT_MS);
    await picker.selectOption(teamNs);
    await waitFor(async () => (await rowCells(page, first)) === undefined, `${first} not listed in ${teamNs}`, WAIT_MS);
    await form.getByLabel('Name').fill(third);
    await form.getByLabel('Image').fill(image);
    await form.getByLabel('Process (fprocess)').fill('node handler.js');
    await form.getByLabel('Environment (KEY=VALUE, one per line)').fill('GREETING=team');
    await form.getByLabel('Labels (KEY=VALUE, one per line)').fill('');
    await form.getByRole('button', { name: 'Deploy' }).click();
    await waitFor(async () => (await rowCells(page, third)) !== undefined, `${third} listed in ${teamNs}`, WAIT_MS);
    t.match((await call(`${url}/system/function/${third}?namespace=${teamNs}`, { headers: { authorization: basic } })).status, 200, 'deployed into the chosen namespace');
    await page.getByLabel('Request body').fill('namespaced');
    await page.getByRole('button', { name: 'Invoke' }).click();
    await waitFor(async () => /^200\b/.test(await textOf(page.getByTestId('invoke-status'))), 'invoke in the namespace: 200', WAIT_MS);
    t.match(JSON.parse(await textOf(page.getByTestId('invoke-body'))), { echo: 'namespaced' }, 'invoked as <name>.<namespace>');
    await picker.selectOption('openfaas-fn');
    await waitFor(async () => (await rowCells(page, first)) !== undefined && (await rowCells(page, third)) === undefined, 'back in the default namespace', WAIT_MS);
    t.pass('switching namespaces switches the list');

    await page.setViewportSize({ width: 360, height: 740 });
    t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'no sideways scrolling at 360 px');
    for (const id of ['#page-error', '#list-error']) t.ok(await page.locator(id).isHidden(), `${id} stays hidden`);
    t.same(problems(), [], 'no console errors, page errors or failed requests');
    await context.close();
  });
}
