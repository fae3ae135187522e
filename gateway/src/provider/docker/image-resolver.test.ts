/**
 * The resolver against a scripted engine: which registries it asks (none unless listed), how the pull policy
 * decides, and that failures are typed 400s naming the image and registry, never the engine's (host) text.
 */
import type Docker from 'dockerode';
import t from 'tap';
import { ImageResolver } from './image-resolver.js';
import { registryOf } from '@funtainer/core/image-ref';
import type { ImagePolicy } from './image-policy.js';

interface FakeEngine {
  readonly pulls: string[];
  readonly docker: Docker;
}

/** `present` images inspect fine; a pull rejects with `pullError`, or never answers when it is 'hang'. */
function fakeEngine(present: Set<string>, pullError: Error | 'hang'): FakeEngine {
  const pulls: string[] = [];
  const docker = {
    getImage: (image: string) => ({
      inspect: async () => {
        if (present.has(image)) return { Config: { User: 'app' } };
        throw Object.assign(new Error(`no such image: ${image}`), { statusCode: 404 });
      },
    }),
    pull: (image: string) => {
      pulls.push(image);
      return pullError === 'hang' ? new Promise(() => {}) : Promise.reject(pullError);
    },
  } as unknown as Docker;
  return { pulls, docker };
}

const silent = { info() {}, warn() {}, error() {} };
const leaky = Object.assign(new Error('Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host'), { statusCode: 500 });
const resolver = (engine: FakeEngine, policy: ImagePolicy, pullTimeoutMs = 5_000) => new ImageResolver(engine.docker, 5_000, pullTimeoutMs, silent, policy);

t.test('registryOf reads the host part as the engine does', async (t) => {
  t.equal(registryOf('alpine:3'), 'docker.io');
  t.equal(registryOf('library/alpine'), 'docker.io');
  t.equal(registryOf('funtainer/node-base:local'), 'docker.io');
  t.equal(registryOf('registry.local:5000/team/fn:1'), 'registry.local:5000');
  t.equal(registryOf('localhost/fn'), 'localhost');
  t.equal(registryOf('127.0.0.1:5000/fn'), '127.0.0.1:5000');
});

t.test('IfNotPresent without a configured registry: a local image is used, an unknown one is refused without a pull', async (t) => {
  const engine = fakeEngine(new Set(['here:1']), leaky);
  const images = resolver(engine, { pullPolicy: 'IfNotPresent', registries: [] });
  t.same(await images.ensure('here:1'), { user: 'app' });
  await t.rejects(images.ensure('nosuch/image:1'), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', statusCode: 400, message: /image "nosuch\/image:1".*no registry is configured/ });
  t.same(engine.pulls, [], 'no registry was contacted');
});

t.test('IfNotPresent with a registry: only that registry is pulled from; a failure names image and registry, not the host', async (t) => {
  const engine = fakeEngine(new Set(), leaky);
  const images = resolver(engine, { pullPolicy: 'IfNotPresent', registries: ['registry.local:5000'] });
  await t.rejects(images.ensure('other.example/fn:1'), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', details: { registry: 'other.example', reason: 'registry-not-allowed' } });
  await t.rejects(images.ensure('fn:1'), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', details: { registry: 'docker.io' } }, 'Docker Hub is not implied');
  t.same(engine.pulls, [], 'unlisted registries are never contacted');
  const err = (await images.ensure('registry.local:5000/fn:1').catch((e: unknown) => e)) as Error;
  t.match(err, { code: 'FUNTAINER_ERR_IMAGE_PULL', statusCode: 400, details: { image: 'registry.local:5000/fn:1', registry: 'registry.local:5000', reason: 'failed' } });
  t.notMatch(err.message, /10\.255|lookup|dial tcp/, 'the engine text (resolver address) stays out of the message');
  t.same(engine.pulls, ['registry.local:5000/fn:1']);
});

t.test('Never: a missing image is refused without a pull; Always: pulls a present image from a listed registry', async (t) => {
  const never = fakeEngine(new Set(), leaky);
  await t.rejects(resolver(never, { pullPolicy: 'Never', registries: ['registry.local:5000'] }).ensure('registry.local:5000/fn:1'), {
    code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', details: { reason: 'pull-policy-never' },
  });
  t.same(never.pulls, []);
  const always = fakeEngine(new Set(['registry.local:5000/fn:1', 'local-only:1']), leaky);
  const images = resolver(always, { pullPolicy: 'Always', registries: ['registry.local:5000'] });
  await t.rejects(images.ensure('registry.local:5000/fn:1'), { code: 'FUNTAINER_ERR_IMAGE_PULL' }, 'present, still pulled, and the failed pull counts');
  await t.rejects(images.ensure('local-only:1'), { code: 'FUNTAINER_ERR_IMAGE_NOT_PULLABLE', message: /Always/ });
  t.same(always.pulls, ['registry.local:5000/fn:1']);
});

t.test('a pull past its deadline is IMAGE_PULL reason timeout, recognised by type', async (t) => {
  const engine = fakeEngine(new Set(), 'hang');
  await t.rejects(resolver(engine, { pullPolicy: 'IfNotPresent', registries: ['registry.local:5000'] }, 50).ensure('registry.local:5000/slow:1'), {
    code: 'FUNTAINER_ERR_IMAGE_PULL', details: { reason: 'timeout' }, message: /did not finish in time/,
  });
});
