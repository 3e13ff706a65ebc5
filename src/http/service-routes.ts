import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { HealService } from '../heal/heal-service.js';
import { HealRefusal } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import { describeServices } from '../heal/service-view.js';
import { badRequest, issuesOf } from './errors.js';

const nameParam = z.strictObject({ name: z.string().min(1).max(64) });
const healBody = z.union([z.strictObject({ action: z.string().min(1).max(64).optional(), by: z.string().min(1).max(200).optional() }), z.undefined(), z.null()]);
const runsQuery = z.strictObject({ service: z.string().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Services, their heal runs, and the same heal and maintenance switches chat and the dashboard have. */
export function registerServiceRoutes(app: FastifyInstance, manager: ServiceManager, heal: HealService) {
  app.get('/api/v1/services', async () => ({ services: describeServices(manager, heal) }));

  app.get('/api/v1/heal-runs', async (request, reply) => {
    const parsed = runsQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, request, 'invalid query', issuesOf(parsed.error));
    return { runs: heal.listRuns(parsed.data.service, parsed.data.limit) };
  });

  app.post('/api/v1/services/:name/heal', async (request, reply) => {
    const name = nameParam.safeParse(request.params);
    const body = healBody.safeParse(request.body ?? undefined);
    if (!name.success || !body.success) return badRequest(reply, request, 'invalid heal request', issuesOf((name.error ?? body.error)!));
    try {
      const { run, done } = heal.start(name.data.name, body.data?.action, 'api', body.data?.by ?? 'api');
      done.catch((error: unknown) => request.log.error({ err: error, run: run.id }, 'heal run failed unexpectedly'));
      return reply.code(202).send({ run });
    } catch (error) {
      if (error instanceof HealRefusal) return reply.code(409).send({ error: error.message });
      throw error;
    }
  });

  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/v1/services/:name/${path}`, async (request, reply) => {
      const name = nameParam.safeParse(request.params);
      if (!name.success) return badRequest(reply, request, 'invalid service name', issuesOf(name.error));
      const row = await manager.setEnabled(name.data.name, enabled, 'api');
      if (!row) return reply.code(404).send({ error: `no service named ${JSON.stringify(name.data.name)} is configured` });
      return { service: row };
    });
  }
}
