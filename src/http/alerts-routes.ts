import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { alertInputSchema } from '../alerts/input.js';
import { getAlertDetail, listAlerts } from '../alerts/query.js';
import { SEVERITIES } from '../shared/types.js';
import { alertCountOf, alertmanagerSchema, alertmanagerToInputs, type AlertmanagerPayload } from './alertmanager.js';
import { prometheusAlertsSchema, prometheusToWebhook } from './prometheus.js';
import { CLIPPED_LABEL } from './alertmanager-clip.js';
import { badRequest, issuesOf } from './errors.js';
import type { IntakeService } from './intake-service.js';
import { loggablePath } from './loggable-path.js';

const listQuery = z.strictObject({
  status: z.enum(['firing', 'resolved']).optional(),
  severity: z.enum(SEVERITIES).optional(),
  service: z.string().min(1).optional(),
  /** Words in the title, any case. */
  text: z.string().trim().min(1).max(200).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const idParam = z.strictObject({ id: z.coerce.number().int().positive() });

/** What the alert routes need of the intake: the store to list from, the Alertmanager severities, and accept. */
export type AlertIntake = Pick<IntakeService, 'store' | 'severityMapping' | 'accept'>;

export function registerAlertRoutes(app: FastifyInstance, intake: AlertIntake, maxAlertsPerRequest: number) {
  /** 413 naming the setting, for a request carrying more alerts than http.maxAlertsPerRequest; nothing from it is stored. */
  const refuseOverCap = (request: FastifyRequest, reply: FastifyReply, what: string, advice: string) => {
    request.log.warn({ path: loggablePath(request.url), what }, 'refused a request over http.maxAlertsPerRequest');
    return reply.code(413).send({ error: `${what}; the limit is ${maxAlertsPerRequest} (http.maxAlertsPerRequest): ${advice} or raise the limit` });
  };
  const alertBatch = z.array(alertInputSchema).min(1);
  const oneAlert = alertInputSchema.transform((alert) => [alert]);

  app.post('/api/v1/alerts', async (request, reply) => {
    const count = Array.isArray(request.body) ? request.body.length : 1;
    if (count > maxAlertsPerRequest) return refuseOverCap(request, reply, `${count} alerts in one request`, 'split the batch');
    const parsed = Array.isArray(request.body)
      ? alertBatch.safeParse(request.body)
      : oneAlert.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, request, 'invalid alert', issuesOf(parsed.error));
    return reply.code(202).send(await intake.accept(parsed.data));
  });

  /** Alertmanager's alerts (its webhook, or Prometheus's own list made into one), clipped to the limits and accepted. */
  const acceptFromAlertmanager = async (request: FastifyRequest, reply: FastifyReply, payload: AlertmanagerPayload) => {
    const mapped = alertmanagerToInputs(payload, intake.severityMapping);
    const clipped = mapped.filter((m) => m.clipped.length > 0);
    if (clipped.length > 0) {
      request.log.warn(
        {
          path: loggablePath(request.url),
          clipped: clipped.length,
          alerts: clipped.slice(0, 10).map((m) => ({ dedupKey: m.input.dedupKey, title: m.input.title?.slice(0, 100), changes: m.clipped })),
        },
        `stored ${clipped.length} Alertmanager alert(s) clipped to the intake limits, marked with the ${CLIPPED_LABEL} label`,
      );
    }
    return reply.code(202).send(await intake.accept(mapped.map((m) => m.input)));
  };

  app.post('/api/v1/alertmanager', { config: { loneSurrogates: 'replace' } }, async (request, reply) => {
    const count = alertCountOf(request.body);
    if (count > maxAlertsPerRequest) return refuseOverCap(request, reply, `${count} alerts in one webhook`, 'set max_alerts in the webhook_config');
    const parsed = alertmanagerSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, request, 'invalid Alertmanager webhook payload', issuesOf(parsed.error));
    return acceptFromAlertmanager(request, reply, parsed.data);
  });

  /** Where Prometheus sends its alerts when opsbot stands in for an Alertmanager (`alerting.alertmanagers` with `api_version: v2`). */
  app.post('/api/v2/alerts', { config: { loneSurrogates: 'replace' } }, async (request, reply) => {
    const count = Array.isArray(request.body) ? request.body.length : 0;
    if (count > maxAlertsPerRequest) return refuseOverCap(request, reply, `${count} alerts in one request`, 'send fewer alerts a request (Prometheus itself sends at most 64)');
    const parsed = prometheusAlertsSchema.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, request, 'invalid Prometheus alerts (a JSON list of {labels, annotations, startsAt, endsAt, generatorURL})', issuesOf(parsed.error));
    return acceptFromAlertmanager(request, reply, prometheusToWebhook(parsed.data));
  });

  app.get('/api/v1/alerts', async (request, reply) => {
    const parsed = listQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, request, 'invalid query', issuesOf(parsed.error));
    const rows = await listAlerts(intake.store, parsed.data);
    const last = rows.at(-1);
    return { alerts: rows, next: rows.length === parsed.data.limit && last ? last.id : null };
  });

  app.get('/api/v1/alerts/:id', async (request, reply) => {
    const parsed = idParam.safeParse(request.params);
    if (!parsed.success) return badRequest(reply, request, 'invalid alert id', issuesOf(parsed.error));
    const detail = await getAlertDetail(intake.store, parsed.data.id);
    if (!detail) return reply.code(404).send({ error: `no alert #${parsed.data.id}` });
    return detail;
  });
}
