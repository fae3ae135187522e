/**
 * The behaviour every FunctionProvider must show, as one tap suite run against the memory fake (unit tests)
 * and the Docker provider (integration tests). Providers may converge asynchronously, so readiness is awaited
 * with a deadline instead of assumed; errors are checked by their stable code.
 */
import type { Test } from 'tap';
import { FunctionDeploymentSchema, type FunctionDeployment, type FunctionDeploymentInput } from '@funtainer/core/contracts';
import { DEFAULT_NAMESPACE, type QualifiedName } from '@funtainer/core/names';
import type { Endpoint, FunctionProvider } from './provider.js';


export interface ContractOptions {
  /** Fields every deployed function needs on this provider (image, envProcess/envVars the image requires). */
  readonly baseSpec: Omit<FunctionDeploymentInput, 'service'>;
  /** Turns a base name into one unique to this run, so runs sharing an engine do not collide. */
  readonly uniqueName?: (base: string) => string;
  /** Upper bound for a replica to become ready. @defaultValue 30 s */
  readonly readyDeadlineMs?: number;
}

export function runProviderContract(t: Test, name: string, makeProvider: () => Promise<FunctionProvider>, options: ContractOptions): Promise<void> {
  const unique = options.uniqueName ?? ((base: string) => base);
  const deadline = options.readyDeadlineMs ?? 30_000;
  const specOf = (service: string, extra: Partial<FunctionDeploymentInput> = {}): FunctionDeployment =>
    FunctionDeploymentSchema.parse({ ...options.baseSpec, ...extra, service, envVars: { ...options.baseSpec.envVars, ...extra.envVars } });
  const fnOf = (service: string): QualifiedName => ({ name: service, namespace: DEFAULT_NAMESPACE });

  const withProvider = async (st: Test): Promise<FunctionProvider> => {
    const provider = await makeProvider();
    await provider.start();
    st.teardown(() => provider.close());
    return provider;
  };
  const readyCount = async (provider: FunctionProvider, fn: QualifiedName, count: number): Promise<readonly Endpoint[]> =>
    eventually(() => {
      const eps = provider.endpoints(fn);
      return eps !== undefined && eps.length === count ? eps : undefined;
    }, deadline, `${fn.name}: ${count} ready endpoints`);

  return t.test(`${name}: FunctionProvider contract`, async (t) => {
    t.test('deploy then get/list report the definition', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-deploy');
      await provider.deploy(specOf(service, {
        envVars: { GREETING: 'hi' },
        labels: { team: 'a', 'com.openfaas.scale.max': '3' },
        annotations: { topic: 'orders' },
        limits: { memory: '128Mi', cpu: '500m' },
      }));
      t.teardown(() => provider.remove(fnOf(service)).catch(() => {}));
      await readyCount(provider, fnOf(service), 1);
      const status = await provider.get(fnOf(service));
      t.match(status, {
        name: service, namespace: DEFAULT_NAMESPACE, image: options.baseSpec.image, replicas: 1, availableReplicas: 1,
        envVars: { GREETING: 'hi' }, labels: { team: 'a', 'com.openfaas.scale.max': '3' }, annotations: { topic: 'orders' },
        limits: { memory: '128Mi', cpu: '500m' }, secrets: [],
      });
      t.equal(status?.envProcess, options.baseSpec.envProcess);
      t.equal(status?.readOnlyRootFilesystem, true, 'read-only root filesystem unless asked otherwise');
      t.notOk(Object.keys(status?.labels ?? {}).some((k) => k.startsWith('com.funtainer.internal.')), 'internal labels are hidden');
      t.ok(status?.createdAt && !Number.isNaN(Date.parse(status.createdAt)), 'createdAt is a timestamp');
      const listed = await provider.list(DEFAULT_NAMESPACE);
      t.ok(listed.some((f) => f.name === service && f.image === options.baseSpec.image), 'list includes it');
      await t.rejects(provider.deploy(specOf(service)), { code: 'FUNTAINER_ERR_FUNCTION_EXISTS', statusCode: 409 });
    });

    t.test('update of a missing function, scale of a missing function, remove of a missing function', async (t) => {
      const provider = await withProvider(t);
      const missing = unique('contract-missing');
      await t.rejects(provider.update(specOf(missing)), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND', statusCode: 404 });
      await t.rejects(provider.scale(fnOf(missing), 1), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND' });
      await t.rejects(provider.remove(fnOf(missing)), { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND' });
      t.equal(await provider.get(fnOf(missing)), undefined);
      t.equal(provider.endpoints(fnOf(missing)), undefined);
    });

    t.test('update replaces replicas and the reported definition', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-update');
      const fn = fnOf(service);
      await provider.deploy(specOf(service, { envVars: { VERSION: '1' } }));
      t.teardown(() => provider.remove(fn).catch(() => {}));
      const before = await readyCount(provider, fn, 1);
      await provider.update(specOf(service, { envVars: { VERSION: '2' }, labels: { stage: 'two' } }));
      const after = await readyCount(provider, fn, 1);
      t.not(after[0]?.id, before[0]?.id, 'a new replica serves after the update');
      t.match(await provider.get(fn), { replicas: 1, envVars: { VERSION: '2' }, labels: { stage: 'two' } });
    });

    t.test('scale to 0 keeps the definition; scale to 2 gives 2 ready endpoints', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-scale');
      const fn = fnOf(service);
      await provider.deploy(specOf(service));
      t.teardown(() => provider.remove(fn).catch(() => {}));
      await readyCount(provider, fn, 1);
      await provider.scale(fn, 0);
      t.same(provider.endpoints(fn), [], 'no endpoints at 0 replicas');
      t.match(await provider.get(fn), { name: service, replicas: 0, availableReplicas: 0 });
      await provider.scale(fn, 2);
      const eps = await readyCount(provider, fn, 2);
      t.equal(new Set(eps.map((e) => e.id)).size, 2, 'two distinct replicas');
      t.equal(provider.endpoints(fn), provider.endpoints(fn), 'one array until the endpoints change (the gateway compares by identity)');
      t.match(await provider.get(fn), { replicas: 2, availableReplicas: 2 });
      await t.rejects(provider.scale(fn, -1), { code: 'FUNTAINER_ERR_BAD_REQUEST', statusCode: 400 });
    });

    t.test('remove forgets the function', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-remove');
      const fn = fnOf(service);
      await provider.deploy(specOf(service));
      await readyCount(provider, fn, 1);
      await provider.remove(fn);
      t.equal(await provider.get(fn), undefined);
      t.equal(provider.endpoints(fn), undefined);
      t.notOk((await provider.list(DEFAULT_NAMESPACE)).some((f) => f.name === service));
    });

    t.test('onEndpointsChanged fires and unsubscribes', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-events');
      const fn = fnOf(service);
      const seen: number[] = [];
      const unsubscribe = provider.onEndpointsChanged((changed, eps) => {
        if (changed.name === service && changed.namespace === fn.namespace) seen.push(eps.length);
      });
      await provider.deploy(specOf(service));
      t.teardown(() => provider.remove(fn).catch(() => {}));
      await eventually(() => (seen.includes(1) ? true : undefined), deadline, 'endpoint event with 1 replica');
      await provider.scale(fn, 0);
      await eventually(() => (seen.at(-1) === 0 ? true : undefined), deadline, 'endpoint event with 0 replicas');
      unsubscribe();
      const count = seen.length;
      await provider.scale(fn, 1);
      await readyCount(provider, fn, 1);
      t.equal(seen.length, count, 'no events after unsubscribe');
    });

    t.test('secrets: create, duplicate, list names, update, delete, delete missing', async (t) => {
      const provider = await withProvider(t);
      const secret = unique('contract-secret');
      const ref = { name: secret, namespace: DEFAULT_NAMESPACE };
      t.teardown(() => provider.deleteSecret(ref).catch(() => {}));
      await provider.createSecret({ ...ref, value: Buffer.from('s3cret') });
      await t.rejects(provider.createSecret({ ...ref, value: Buffer.from('x') }), { code: 'FUNTAINER_ERR_SECRET_EXISTS', statusCode: 409 });
      const names = await provider.listSecrets(DEFAULT_NAMESPACE);
      t.ok(names.includes(secret), 'listed by name');
      t.ok(names.every((n) => typeof n === 'string'), 'names only');
      await provider.updateSecret({ ...ref, value: Buffer.from('n3w') });
      await t.rejects(provider.updateSecret({ ...ref, name: unique('contract-nosecret'), value: Buffer.from('x') }), { code: 'FUNTAINER_ERR_SECRET_NOT_FOUND' });
      await provider.deleteSecret(ref);
      t.notOk((await provider.listSecrets(DEFAULT_NAMESPACE)).includes(secret), 'gone after delete');
      await t.rejects(provider.deleteSecret(ref), { code: 'FUNTAINER_ERR_SECRET_NOT_FOUND', statusCode: 404 });
    });

    t.test('deploy with a secret: missing → INVALID_SPEC, present → reported', async (t) => {
      const provider = await withProvider(t);
      const service = unique('contract-withsecret');
      const secret = unique('contract-api-key');
      const fn = fnOf(service);
      await t.rejects(provider.deploy(specOf(service, { secrets: [secret] })), { code: 'FUNTAINER_ERR_INVALID_SPEC', statusCode: 400 });
      t.equal(await provider.get(fn), undefined, 'nothing created');
      await provider.createSecret({ name: secret, namespace: DEFAULT_NAMESPACE, value: Buffer.from('k') });
      t.teardown(() => provider.deleteSecret({ name: secret, namespace: DEFAULT_NAMESPACE }).catch(() => {}));
      await provider.deploy(specOf(service, { secrets: [secret] }));
      t.teardown(() => provider.remove(fn).catch(() => {}));
      t.match(await provider.get(fn), { secrets: [secret] });
    });

    t.test('namespaces include the default', async (t) => {
      const provider = await withProvider(t);
      t.ok((await provider.namespaces()).includes(DEFAULT_NAMESPACE));
    });

    t.test('namespaces: create, read, update, refuse while used, delete; configured ones stay', async (t) => {
      const provider = await withProvider(t);
      const ns = unique('contract-ns');
      t.teardown(() => provider.deleteNamespace(ns).catch(() => {}));
      await provider.createNamespace({ name: ns, labels: { team: 'a' }, annotations: { owner: 'ops' } });
      t.ok((await provider.namespaces()).includes(ns), 'listed');
      t.same(await provider.getNamespace(ns), { name: ns, labels: { openfaas: '1', team: 'a' }, annotations: { owner: 'ops' } }, 'labelled openfaas=1 as faasd expects');
      await t.rejects(provider.createNamespace({ name: ns, labels: {}, annotations: {} }), { code: 'FUNTAINER_ERR_NAMESPACE_EXISTS', statusCode: 409 });
      await t.rejects(provider.createNamespace({ name: DEFAULT_NAMESPACE, labels: {}, annotations: {} }), { code: 'FUNTAINER_ERR_NAMESPACE_EXISTS' });
      await provider.updateNamespace({ name: ns, labels: { team: 'b' }, annotations: {} });
      t.match(await provider.getNamespace(ns), { labels: { team: 'b' }, annotations: {} }, 'labels replaced');
      await t.rejects(provider.updateNamespace({ name: unique('contract-nons'), labels: {}, annotations: {} }), { code: 'FUNTAINER_ERR_NAMESPACE_NOT_FOUND', statusCode: 404 });
      await t.rejects(provider.deleteNamespace(DEFAULT_NAMESPACE), { code: 'FUNTAINER_ERR_BAD_REQUEST' }, 'the configured namespace is never deleted');

      const service = unique('contract-nsfn');
      await provider.deploy(specOf(service, { namespace: ns }));
      t.teardown(() => provider.remove({ name: service, namespace: ns }).catch(() => {}));
      await t.rejects(provider.deleteNamespace(ns), { code: 'FUNTAINER_ERR_NAMESPACE_NOT_EMPTY', statusCode: 409 });
      await provider.remove({ name: service, namespace: ns });
      await provider.deleteNamespace(ns);
      t.notOk((await provider.namespaces()).includes(ns), 'gone');
      t.equal(await provider.getNamespace(ns), undefined);
      await t.rejects(provider.deleteNamespace(ns), { code: 'FUNTAINER_ERR_NAMESPACE_NOT_FOUND', statusCode: 404 });
      await t.rejects(provider.deploy(specOf(service, { namespace: ns })), { code: 'FUNTAINER_ERR_INVALID_SPEC' }, 'no deploys into a deleted namespace');
    });

    t.test('namespaces isolate functions and secrets: names repeat, secrets do not cross', async (t) => {
      const provider = await withProvider(t);
      const [a, b] = [unique('contract-nsa'), unique('contract-nsb')];
      for (const ns of [a, b]) {
        await provider.createNamespace({ name: ns, labels: {}, annotations: {} });
        t.teardown(() => provider.deleteNamespace(ns).catch(() => {}));
      }
      const service = unique('contract-same');
      const secret = unique('contract-nssecret');
      await provider.createSecret({ name: secret, namespace: a, value: Buffer.from('only-a') });
      t.same(await provider.listSecrets(b), [], 'b sees none of a\'s secrets');
      await t.rejects(provider.deploy(specOf(service, { namespace: b, secrets: [secret] })), { code: 'FUNTAINER_ERR_INVALID_SPEC' }, 'a function in b cannot use a\'s secret');
      for (const ns of [a, b]) {
        await provider.deploy(specOf(service, { namespace: ns, ...(ns === a ? { secrets: [secret] } : {}) }));
        t.teardown(() => provider.remove({ name: service, namespace: ns }).catch(() => {}));
      }
      t.match(await provider.get({ name: service, namespace: a }), { namespace: a, secrets: [secret] });
      t.match(await provider.get({ name: service, namespace: b }), { namespace: b, secrets: [] });
      t.same((await provider.list(b)).map((f) => f.name), [service], 'each namespace lists its own');
      await provider.remove({ name: service, namespace: a });
      t.ok(await provider.get({ name: service, namespace: b }), 'removing one leaves the other');
      await t.rejects(provider.createSecret({ name: secret, namespace: unique('contract-nowhere'), value: Buffer.from('x') }), { code: 'FUNTAINER_ERR_BAD_REQUEST', statusCode: 400 }, 'no secrets in a namespace that does not exist');
    });
  }).then(() => undefined);
}

/** Polls `probe` until it returns a value; rejects naming `what` after `deadlineMs`. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, deadlineMs: number, what: string): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
