/**
 * PURE: which registry an image reference names, and whether the pull policy lets the provider ask it for the
 * image. The provider only ever contacts a registry the operator listed (`image_registries`): without that, an
 * unknown image made dockerd try Docker Hub, and its error leaked the host's DNS resolver to the deployer.
 */
import { FuntainerError } from '@funtainer/core/errors';
import { registryOf } from '@funtainer/core/image-ref';

/** As OpenFaaS' `image_pull_policy`: pull on every deploy, only when missing, or never. */
export const IMAGE_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type ImagePullPolicy = (typeof IMAGE_PULL_POLICIES)[number];

export interface ImagePolicy {
  readonly pullPolicy: ImagePullPolicy;
  /** Registry hosts (as written in image references, e.g. `registry.local:5000`, `docker.io`) pulls may use. */
  readonly registries: readonly string[];
}

/** The policy when the operator configured none: use local images, pull from nowhere. */
export const LOCAL_ONLY_IMAGE_POLICY: ImagePolicy = Object.freeze({ pullPolicy: 'IfNotPresent', registries: Object.freeze([]) });

/** What to do for `image`, given whether it is present locally: use it, pull it, or refuse (a coded 4xx). */
export function pullDecision(image: string, present: boolean, policy: ImagePolicy): 'use-local' | 'pull' | FuntainerError {
  if (present && policy.pullPolicy !== 'Always') return 'use-local';
  if (policy.pullPolicy === 'Never') {
    return notPullable(image, `image "${image}" is not present on the engine and image_pull_policy is Never`, 'pull-policy-never');
  }
  const registry = registryOf(image);
  if (policy.registries.includes(registry)) return 'pull';
  const why = present ? 'image_pull_policy is Always, so it must be pulled,' : 'it is not present on the engine and';
  const configured = policy.registries.length === 0 ? 'no registry is configured for pulls (image_registries)' : `registry "${registry}" is not one of image_registries`;
  return notPullable(image, `image "${image}": ${why} ${configured}`, 'registry-not-allowed', registry);
}

function notPullable(image: string, message: string, reason: string, registry?: string): FuntainerError {
  return new FuntainerError('FUNTAINER_ERR_IMAGE_NOT_PULLABLE', message, { details: { image, reason, ...(registry ? { registry } : {}) } });
}
