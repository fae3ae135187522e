/**
 * Container image reference syntax (`[registry[:port]/]repository[:tag][@digest]`), checked at the API edge so
 * a malformed reference is a 400 naming the field instead of a raw string reaching the engine's HTTP path
 * (where Docker answers with a 500 or an unrelated pull error). The grammar follows the Distribution reference
 * rules Docker itself applies: lower-case path components, an optional registry host first, a tag of up to 128
 * word characters, a digest `algorithm:hex`.
 */

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const HOST_COMPONENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV6_HOST = /^\[[0-9A-Fa-f:.]+\]$/;
const PORT = /^\d{1,5}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
/** Docker refuses repository names longer than this (tag and digest not counted). */
export const MAX_REPOSITORY_LENGTH = 255;

/** Why `ref` is not a valid image reference, or undefined when it is. */
export function imageReferenceProblem(ref: string): string | undefined {
  if (ref.length === 0) return 'must not be empty';
  if (/\s/.test(ref)) return 'must not contain whitespace';
  let rest = ref;
  const at = rest.indexOf('@');
  if (at !== -1) {
    if (!DIGEST.test(rest.slice(at + 1))) return 'has an invalid digest (expected algorithm:hex, e.g. sha256:…)';
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    if (!TAG.test(rest.slice(colon + 1))) return 'has an invalid tag (word characters, "." and "-", at most 128, not starting with "." or "-")';
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0] as string;
  if (parts.length > 1 && isRegistryHost(first)) {
    const problem = registryHostProblem(first);
    if (problem !== undefined) return problem;
    parts.shift();
  }
  const repository = parts.join('/');
  if (repository.length === 0) return 'has no repository name';
  if (repository.length > MAX_REPOSITORY_LENGTH) return `repository name must be at most ${MAX_REPOSITORY_LENGTH} characters`;
  for (const part of parts) {
    if (!PATH_COMPONENT.test(part)) {
      return `has an invalid repository component "${part}" (lower-case letters, digits and single separators ".", "_", "__" or "-")`;
    }
  }
  return undefined;
}

/**
 * The registry host a reference names, as the engine reads it (the same rule the syntax check above uses):
 * the first path component when it is a host, else Docker Hub (`docker.io`, also for `index.docker.io`).
 */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  if (slash === -1 || !isRegistryHost(first) || first === 'index.docker.io') return 'docker.io';
  return first;
}

/** Where an image lives in its registry: what the Distribution HTTP API (`/v2/<repository>/manifests/<reference>`) names. */
export interface ImageLocation {
  readonly registry: string;
  /** Docker Hub's one-component names gain `library/`, as the engine asks for them. */
  readonly repository: string;
  /** The digest when the reference has one, else the tag (`latest` when none). */
  readonly reference: string;
}

/** Splits a valid reference (imageReferenceProblem says undefined) into registry, repository and tag or digest. */
export function imageLocation(ref: string): ImageLocation {
  const registry = registryOf(ref);
  const slash = ref.indexOf('/');
  let rest = slash !== -1 && isRegistryHost(ref.slice(0, slash)) ? ref.slice(slash + 1) : ref;
  let reference = 'latest';
  const at = rest.indexOf('@');
  if (at !== -1) {
    reference = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    if (at === -1) reference = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repository = registry === 'docker.io' && !rest.includes('/') ? `library/${rest}` : rest;
  return { registry, repository, reference };
}

/** Docker's rule: the first component names a registry when it has a "." or ":", is "localhost", or has upper case. */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || /[A-Z]/.test(component);
}

function registryHostProblem(host: string): string | undefined {
  const colon = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.lastIndexOf(':');
  const name = colon === -1 ? host : host.slice(0, colon);
  const port = colon === -1 ? undefined : host.slice(colon + 1);
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return `has an invalid registry port "${port}"`;
  if (IPV6_HOST.test(name)) return undefined;
  if (!name.split('.').every((c) => HOST_COMPONENT.test(c))) return `has an invalid registry host "${name}"`;
  return undefined;
}
