import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { alertInputSchema } from '../alerts/input.js';
import { getAlertDetail, listAlerts } from '../alerts/query.js';
import { SEVERITIES } from '../channels/types.js';
import { alertmanagerSchema, alertmanagerToInputs } from './alertmanager.js';
import { badRequest, issuesOf } from './errors.js';
import type { IntakeService } from './intake-service.js';

const listQuery = z.strictObject({
  status: z.enum(['firing', 'resolved']).optional(),
  severity: z.enum(SEVERITIES).optional(),
  service: z.string().min(1).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const idParam = z.strictObject({ id: z.coerce.number().int().positive() });

export function registerAlertRoutes(app: FastifyInstance, intake: IntakeService, maxAlertsPerRequest: number) {
  const alertBatch = z.array(alertInputSchema).min(1).max(maxAlertsPerRequest);
  const oneAlert = alertInputSchema.transform((alert) => [alert]);

  app.post('/api/v1/alerts', async (request, reply) => {
    const parsed = Array.isArray(request.body)
      ? alertBatch.safeParse(request.body)
      : oneAlert.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, request, 'invalid alert', issuesOf(parsed.error));
    return reply.code(202).send(await intake.accept(parsed.data));
  });

  app.post('/api/v1/alertmanager', async (request, reply) => {
    const parsed = alertmanagerSchema.safeParse(request.body);
    if (!parsed.success) {
      return badRequest(reply, request, 'invalid Alertmanager webhook payload', issuesOf(parsed.error));
    }
    return reply.code(202).send(await intake.accept(alertmanagerToInputs(parsed.data, intake.severityMapping)));
  });

  app.get('/api/v1/alerts', async (request, reply) => {
    const parsed = listQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, request, 'invalid query', issuesOf(parsed.error));
    const rows = listAlerts(intake.db, parsed.data);
    const last = rows.at(-1);
    return { alerts: rows, next: rows.length === parsed.data.limit && last ? last.id : null };
  });

  app.get('/api/v1/alerts/:id', async (request, reply) => {
    const parsed = idParam.safeParse(request.params);
    if (!parsed.success) return badRequest(reply, request, 'invalid alert id', issuesOf(parsed.error));
    const detail = getAlertDetail(intake.db, parsed.data.id);
    if (!detail) return reply.code(404).send({ error: `no alert #${parsed.data.id}` });
    return detail;
  });
}
