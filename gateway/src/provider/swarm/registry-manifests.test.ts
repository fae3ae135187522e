import t from 'tap';
import { assertInRegistry, manifestUrl, manifestVerdict, type ManifestFetch } from './registry-manifests.js';

const settings = { registries: ['10.77.1.1:5000', 'registry.example', 'docker.io'], insecureRegistries: ['10.77.1.1:5000'], timeoutMs: 200 };

t.test('manifest URL: only listed registries, plain HTTP only where asked, Hub never', async (t) => {
  t.equal(manifestUrl('10.77.1.1:5000/funtainer/echo:1', settings), 'http://10.77.1.1:5000/v2/funtainer/echo/manifests/1');
  t.equal(manifestUrl('registry.example/echo', settings), 'https://registry.example/v2/echo/manifests/latest');
  const digest = `sha256:${'b'.repeat(64)}`;
  t.equal(manifestUrl(`registry.example/echo@${digest}`, settings), `https://registry.example/v2/echo/manifests/${digest}`);
  t.equal(manifestUrl('other.example/echo:1', settings), undefined, 'a registry the operator did not list is never asked');
  t.equal(manifestUrl('echo:1', settings), undefined, 'Docker Hub: the pull decides');
});

t.test('verdicts', async (t) => {
  t.equal(manifestVerdict(200), 'present');
  t.equal(manifestVerdict(404), 'missing');
  t.equal(manifestVerdict(401), 'unverifiable');
  t.equal(manifestVerdict(500), 'failed');
});

t.test('a missing image is a 400 naming image and registry; an unreachable registry a 502', async (t) => {
  const answering = (status: number): ManifestFetch => async () => ({ status });
  await t.resolves(assertInRegistry('10.77.1.1:5000/echo:1', settings, answering(200)));
  await t.resolves(assertInRegistry('10.77.1.1:5000/echo:1', settings, answering(401)), 'needs credentials: left to the engines');
  await t.rejects(assertInRegistry('10.77.1.1:5000/echo:1', settings, answering(404)), {
    code: 'FUNTAINER_ERR_IMAGE_NOT_IN_REGISTRY', statusCode: 400, message: /"10\.77\.1\.1:5000\/echo:1" is not in registry "10\.77\.1\.1:5000"/,
  });
  await t.rejects(assertInRegistry('10.77.1.1:5000/echo:1', settings, answering(503)), { code: 'FUNTAINER_ERR_REGISTRY_UNREACHABLE', statusCode: 502, message: /HTTP 503/ });
  const refused: ManifestFetch = async () => { throw new TypeError('fetch failed'); };
  await t.rejects(assertInRegistry('10.77.1.1:5000/echo:1', settings, refused), { code: 'FUNTAINER_ERR_REGISTRY_UNREACHABLE', message: /could not be reached/ });
  // AbortSignal.timeout's timer does not hold the process open; this one does, for the test's sake.
  const alive = setTimeout(() => {}, 5_000);
  t.teardown(() => clearTimeout(alive));
  const hanging: ManifestFetch = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  await t.rejects(assertInRegistry('10.77.1.1:5000/echo:1', settings, hanging), { code: 'FUNTAINER_ERR_REGISTRY_UNREACHABLE', message: /within 200 ms/ });
  let asked = false;
  await assertInRegistry('other.example/echo:1', settings, async () => { asked = true; return { status: 404 }; });
  t.notOk(asked, 'unlisted registry: not asked');
});
