/**
 * PURE: a service spec with one secret moved onto its new Swarm secret (swarm-secrets.ts). The mount path stays;
 * only the reference changes, which changes the task template, so Swarm rolls the tasks (start-first): new tasks
 * read the new value, the old ones keep theirs until they are replaced.
 */
import type Docker from 'dockerode';
import { SECRETS_MOUNT_PATH } from '../replica-rules.js';
import type { SecretBinding } from './service-spec.js';

export function rebindSecret(spec: Docker.ServiceSpec, binding: SecretBinding): Docker.ServiceSpec {
  const template = spec.TaskTemplate as Docker.ContainerTaskSpec | undefined;
  const container = template?.ContainerSpec;
  if (!template || !container) return spec;
  const path = `${SECRETS_MOUNT_PATH}/${binding.name}`;
  const secrets = (container.Secrets ?? []).map((s) =>
    s.File?.Name === path ? { ...s, SecretID: binding.secretId, SecretName: binding.secretName } : s);
  return { ...spec, TaskTemplate: { ...template, ContainerSpec: { ...container, Secrets: secrets } } };
}
