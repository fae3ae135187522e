/**
 * `/system/secrets` with the codes faas-cli depends on: POST 201 and 409 on a duplicate (so
 * `secret create --replace` falls back to PUT), PUT 202 / 404, DELETE 202 (faas-cli rejects 204) / 404.
 * Values are write-only: the list carries names and namespaces. `rawValue` (base64) wins over `value`.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SecretRefSchema, SecretSchema, type Secret } from '@funtainer/core/contracts';
import type { SecretValue } from '../provider/provider.js';
import { methodTable } from './method-table.js';
import { namespaceOrDefault, parseJsonBody } from './request-parsing.js';
import type { RouteDeps } from './route-deps.js';

export function secretValueOf(secret: Secret, defaultNamespace: string): SecretValue {
  const value = secret.rawValue !== undefined && secret.rawValue !== '' ? Buffer.from(secret.rawValue, 'base64') : Buffer.from(secret.value ?? '', 'utf8');
  return { name: secret.name, namespace: secret.namespace ?? defaultNamespace, value };
}

export function systemSecretRoutes(deps: RouteDeps): FastifyPluginAsync {
  const { provider, config } = deps;
  return async (app) => {
    methodTable(app, '/system/secrets', {
      GET: async (request) => {
        const namespace = namespaceOrDefault((request.query as { namespace?: string }).namespace, config.functionNamespace);
        return (await provider.listSecrets(namespace)).map((name) => ({ name, namespace }));
      },
      POST: async (request, reply) => {
        await provider.createSecret(secretValueOf(parseJsonBody(SecretSchema, request.body), config.functionNamespace));
        return reply.code(201).send();
      },
      PUT: async (request, reply) => {
        await provider.updateSecret(secretValueOf(parseJsonBody(SecretSchema, request.body), config.functionNamespace));
        return reply.code(202).send();
      },
      DELETE: async (request, reply) => {
        const ref = parseJsonBody(SecretRefSchema, request.body);
        await provider.deleteSecret({ name: ref.name, namespace: ref.namespace ?? config.functionNamespace });
        return reply.code(202).send();
      },
    });
  };
}
