import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Store } from '../db/store.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import { describeServices } from '../heal/service-view.js';
import { heal as startHeal } from '../operations/heal.js';
import { setServiceEnabled } from '../operations/service-switch.js';
import { errorText, statement } from '../operations/wording.js';
import { apiActor } from './api-actor.js';
import { badRequest, issuesOf } from './errors.js';

const nameParam = z.strictObject({ name: z.string().min(1).max(64) });
const healBody = z.union([z.strictObject({ action: z.string().min(1).max(64).optional(), by: z.string().min(1).max(200).optional() }), z.undefined(), z.null()]);
const runsQuery = z.strictObject({ service: z.string().min(1).max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) });

/** Services, their heal runs, and the same heal and maintenance switches chat and the dashboard have. */
export function registerServiceRoutes(app: FastifyInstance, store: Store, manager: ServiceManager, heal: HealService) {
  app.get('/api/v1/services', async () => ({ services: await describeServices(manager, heal) }));

  app.get('/api/v1/heal-runs', async (request, reply) => {
    const parsed = runsQuery.safeParse(request.query);
    if (!parsed.success) return badRequest(reply, request, 'invalid query', issuesOf(parsed.error));
    return { runs: await heal.listRuns(parsed.data.service, parsed.data.limit) };
  });

  app.post('/api/v1/services/:name/heal', async (request, reply) => {
    const name = nameParam.safeParse(request.params);
    const body = healBody.safeParse(request.body ?? undefined);
    if (!name.success || !body.success) return badRequest(reply, request, 'invalid heal request', issuesOf((name.error ?? body.error)!));
    const action = body.data?.action;
    const actor = apiActor(store, request.log, body.data?.by ?? 'api', 'heal', { service: name.data.name, ...(action ? { action } : {}) });
    const result = await startHeal({ heal, log: request.log }, name.data.name, action, actor);
    if (result.kind === 'refused') return reply.code(409).send({ error: errorText(result) });
    if (result.kind === 'heal-forwarded') return reply.code(202).send({ forwardedTo: result.instance, action: result.action, message: statement(result) });
    return reply.code(202).send({ run: result.run, message: statement(result) });
  });

  for (const [path, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/v1/services/:name/${path}`, async (request, reply) => {
      const name = nameParam.safeParse(request.params);
      if (!name.success) return badRequest(reply, request, 'invalid service name', issuesOf(name.error));
      const result = await setServiceEnabled({ manager }, name.data.name, enabled, apiActor(store, request.log, 'api', path, { service: name.data.name }));
      if (result.kind === 'not-found') return reply.code(404).send({ error: errorText(result) });
      return { service: result.service, message: statement(result) };
    });
  }
}
