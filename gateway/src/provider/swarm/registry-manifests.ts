/**
 * Before a service is created or updated: does the registry its image names hold that image? Every node pulls
 * from the registry, so an image only the manager has would start there and fail on every other node, and a
 * missing one would leave the tasks pending with a pull error. Asking the registry's HTTP API
 * (`HEAD /v2/<repository>/manifests/<reference>`) answers in milliseconds, so the deployer gets a 400 naming
 * the image and the registry instead. Only registries the operator listed (`image_registries`) are asked: the
 * gateway never contacts a host because a deploy body named it.
 */
import { FuntainerError, errorMessage } from '@funtainer/core/errors';
import { imageLocation } from '@funtainer/core/image-ref';

/** Every manifest kind an engine may pull: a registry answers 404 to a HEAD whose Accept excludes the stored kind. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

export interface RegistryCheckSettings {
  /** Registries the gateway may ask (the image policy's `registries`). */
  readonly registries: readonly string[];
  /** Registries spoken to over plain HTTP (as an engine's `--insecure-registry`); the rest over HTTPS. */
  readonly insecureRegistries: readonly string[];
  readonly timeoutMs: number;
}

/** PURE: the manifest URL to ask for `image`, or undefined when its registry is not one the gateway may ask. */
export function manifestUrl(image: string, settings: Pick<RegistryCheckSettings, 'registries' | 'insecureRegistries'>): string | undefined {
  const { registry, repository, reference } = imageLocation(image);
  if (!settings.registries.includes(registry) || registry === 'docker.io') return undefined; // Hub needs a token dance; the pull decides there
  const scheme = settings.insecureRegistries.includes(registry) ? 'http' : 'https';
  return `${scheme}://${registry}/v2/${repository}/manifests/${encodeURIComponent(reference).replace(/%3A/g, ':')}`;
}

/** PURE: the registry's answer → present, missing (a 4xx for the deployer), or not decidable here (auth). */
export function manifestVerdict(status: number): 'present' | 'missing' | 'unverifiable' | 'failed' {
  if (status >= 200 && status < 300) return 'present';
  if (status === 404) return 'missing';
  // The gateway holds no registry credentials; the engines may. Their pull is then the check.
  if (status === 401 || status === 403) return 'unverifiable';
  return 'failed';
}

export type ManifestFetch = (url: string, init: { method: 'HEAD'; headers: Record<string, string>; signal: AbortSignal }) => Promise<{ status: number }>;

/** Resolves when the registry has the image (or cannot be asked by the gateway); throws a coded error otherwise. */
export async function assertInRegistry(image: string, settings: RegistryCheckSettings, fetchImpl: ManifestFetch = fetch): Promise<void> {
  const url = manifestUrl(image, settings);
  if (url === undefined) return;
  const { registry } = imageLocation(image);
  let status: number;
  try {
    ({ status } = await fetchImpl(url, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES }, signal: AbortSignal.timeout(settings.timeoutMs) }));
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    const why = timedOut ? `did not answer within ${settings.timeoutMs} ms` : 'could not be reached';
    throw new FuntainerError('FUNTAINER_ERR_REGISTRY_UNREACHABLE', `registry "${registry}" ${why} when asked for image "${image}"`, {
      cause: err, details: { image, registry, reason: timedOut ? 'timeout' : errorMessage(err) },
    });
  }
  const verdict = manifestVerdict(status);
  if (verdict === 'missing') {
    throw new FuntainerError('FUNTAINER_ERR_IMAGE_NOT_IN_REGISTRY', `image "${image}" is not in registry "${registry}": push it first (funtainer build --push)`, {
      details: { image, registry },
    });
  }
  if (verdict === 'failed') {
    throw new FuntainerError('FUNTAINER_ERR_REGISTRY_UNREACHABLE', `registry "${registry}" answered HTTP ${status} when asked for image "${image}"`, {
      details: { image, registry, registryStatus: status },
    });
  }
}
