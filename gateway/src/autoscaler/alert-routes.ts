/**
 * OpenFaaS CE compatibility: `POST /system/alert` receives Alertmanager webhooks (APIHighInvocationRate) and
 * steps replicas the way the faas gateway's alert handler does: a firing alert adds ceil(max × factor / 100)
 * replicas up to max, a resolved alert drops straight back to min. Unlike CE, max is our label's value (not
 * capped at 5). Problems with one alert (unknown function, bad name, engine failure) are reported per alert in
 * a 200 answer, because Alertmanager retries non-2xx deliveries and a retry would not fix them.
 *
 * Registered as an encapsulated plugin: it installs its own raw body parser so that empty or invalid JSON is
 * answered here with a coded 400 instead of depending on the app-wide error handler.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { FuntainerError, toFuntainerError, type ErrorCode } from '@funtainer/core/errors';
import { DEFAULT_NAMESPACE, metricName, parseQualifiedName } from '@funtainer/core/names';
import { silentLog, type AutoscalerLog } from './log.js';
import type { ReplicaQuery } from './provider-views.js';
import { scalingSettingsOrDefaults, type ScalingSettings } from './scaling-settings.js';

export interface AlertRoutesOptions {
  readonly provider: ReplicaQuery;
  /** Namespace for a `function_name` without one. @defaultValue 'openfaas-fn' */
  readonly defaultNamespace?: string;
  readonly log?: AutoscalerLog;
}

const AlertSchema = z.object({
  status: z.string(),
  labels: z.object({ alertname: z.string().min(1), function_name: z.string().min(1) }),
});
const WebhookSchema = z.object({ status: z.string(), receiver: z.string(), alerts: z.array(AlertSchema).min(1) });

export type AlertResult =
  | { readonly function: string; readonly status: string; readonly from: number; readonly to: number }
  | { readonly function: string; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** Replica count an alert asks for. PURE. Only an inner status of exactly `firing` scales up (faas CalculateReplicas). */
export function alertTargetReplicas(alertStatus: string, current: number, settings: ScalingSettings): number {
  if (alertStatus !== 'firing') return settings.min;
  const step = Math.ceil((settings.max * settings.factor) / 100);
  return Math.min(current + step, settings.max);
}

export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, options) => {
  const { provider } = options;
  const log = options.log ?? silentLog;
  const defaultNamespace = options.defaultNamespace ?? DEFAULT_NAMESPACE;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const applyAlert = async (alert: z.output<typeof AlertSchema>): Promise<AlertResult> => {
    const raw = alert.labels.function_name;
    const fn = parseQualifiedName(raw, defaultNamespace);
    if (!fn) return { function: raw, error: { code: 'FUNTAINER_ERR_INVALID_NAME', message: `"${raw}" is not a valid function name` } };
    const name = metricName(fn);
    try {
      const status = await provider.get(fn);
      if (!status) return { function: name, error: { code: 'FUNTAINER_ERR_FUNCTION_NOT_FOUND', message: `function "${name}" not found` } };
      const to = alertTargetReplicas(alert.status, status.replicas, scalingSettingsOrDefaults(status.labels).settings);
      if (to !== status.replicas) await provider.scale(fn, to);
      log.info({ fn: name, alert: alert.labels.alertname, status: alert.status, from: status.replicas, to }, 'alert scaling');
      return { function: name, status: alert.status, from: status.replicas, to };
    } catch (err) {
      const mapped = toFuntainerError(err);
      log.warn({ fn: name, err }, 'alert scaling failed');
      return { function: name, error: { code: mapped.code, message: mapped.message } };
    }
  };

  app.post('/system/alert', async (request, reply) => {
    const text = typeof request.body === 'string' ? request.body : '';
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return sendError(reply, new FuntainerError('FUNTAINER_ERR_BAD_JSON', text.trim() === '' ? 'The request body is empty' : undefined, { cause: err }));
    }
    const parsed = WebhookSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
      return sendError(reply, new FuntainerError('FUNTAINER_ERR_BAD_REQUEST', `invalid Alertmanager webhook: ${issues.join('; ')}`, { details: { issues } }));
    }
    const results: AlertResult[] = [];
    // One at a time: two alerts for the same function must see each other's effect.
    for (const alert of parsed.data.alerts) results.push(await applyAlert(alert));
    return reply.code(200).send({ results });
  });
};

function sendError(reply: FastifyReply, err: FuntainerError): FastifyReply {
  return reply.code(err.statusCode).header('x-faas-internal', 'gateway').send(err.toBody(reply.request.id));
}
