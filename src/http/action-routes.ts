import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/store.js';
import { z } from 'zod';
import { loadFiringView } from '../alerts/firing-view.js';
import type { WorkSink } from '../shared/work.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import { describeServices } from '../heal/service-view.js';
import { badRequest, issuesOf } from './errors.js';
import { PLATFORMS, type Platform } from '../shared/types.js';
import { ack } from '../operations/ack.js';
import { resolve } from '../operations/resolve.js';
import { resend } from '../operations/resend.js';
import { errorText, statement } from '../operations/wording.js';
import { apiActor } from './api-actor.js';
import type { Routing } from '../routing/route.js';
import { registerTestNotifyRoute } from './test-notify-routes.js';
import { registerSilenceRoutes } from './silence-routes.js';

const idParam = z.strictObject({ id: z.coerce.number().int().positive() });
const byBody = z.union([z.strictObject({ by: z.string().trim().min(1).max(200).optional() }), z.undefined(), z.null()]);
const nameParam = z.strictObject({ name: z.string().min(1).max(64) });
const historyQuery = z.strictObject({ hours: z.coerce.number().positive().max(24 * 90).default(24) });
const resendBody = z.strictObject({
  alert: z.number().int().positive().optional(),
  platform: z.enum(PLATFORMS).optional(),
  destination: z.string().trim().min(1).max(200).optional(),
  hours: z.number().positive().max(24 * 366).optional(),
  by: z.string().trim().min(1).max(200).optional(),
});
/** How many firing alerts and open escalations GET /api/v1/status lists (CRIT first); `total` counts them all. */
const STATUS_LIST_LIMIT = 50;
const DAY_MS = 86_400_000;

export interface ActionDeps {
  store: Store;
  sink: WorkSink;
  /** The config's routes, for test notifications. */
  routing: Routing;
  heartbeats: Heartbeats;
  manager: ServiceManager;
  heal: HealService;
  /** Chat platforms with a token. */
  platforms: Platform[];
  backlog(): Promise<Record<string, number>>;
}

/** What the CLI and scripts act on: ack/resolve by API, the /status view as JSON, a service's history. */
export function registerActionRoutes(app: FastifyInstance, deps: ActionDeps) {
  registerAlertActions(app, deps);
  registerResend(app, deps);
  registerStatus(app, deps);
  registerHistory(app, deps);
  registerTestNotifyRoute(app, deps);
  registerSilenceRoutes(app, deps);
}

function registerAlertActions(app: FastifyInstance, deps: ActionDeps) {
  for (const [verb, operate] of [['ack', ack], ['resolve', resolve]] as const) {
    app.post(`/api/v1/alerts/:id/${verb}`, async (request, reply) => {
      const id = idParam.safeParse(request.params);
      const body = byBody.safeParse(request.body ?? undefined);
      if (!id.success || !body.success) return badRequest(reply, request, `invalid ${verb} request`, issuesOf((id.error ?? body.error)!));
      const actor = apiActor(deps.store, request.log, body.data?.by ?? 'api', verb, { alert: String(id.data.id) });
      const result = await operate(deps, id.data.id, actor);
      switch (result.kind) {
        case 'not-found':
          return reply.code(404).send({ error: errorText(result) });
        case 'already-acked':
        case 'already-resolved':
          return reply.code(409).send({ error: errorText(result), alert: result.alert });
        default:
          return { alert: result.alert, stoppedEscalationSteps: result.stoppedSteps, message: statement(result) };
      }
    });
  }
}

function registerResend(app: FastifyInstance, deps: ActionDeps) {
  app.post('/api/v1/deliveries/resend', async (request, reply) => {
    const body = resendBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, request, 'invalid resend request', issuesOf(body.error));
    const { alert, platform, destination, hours, by = 'api' } = body.data;
    const args = Object.fromEntries(Object.entries({ alert, platform, destination, hours }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const since = hours === undefined ? undefined : new Date(Date.now() - hours * 3_600_000);
    const result = await resend(
      deps,
      {
        ...(alert !== undefined ? { alertId: alert } : {}),
        ...(platform ? { platform } : {}),
        ...(destination ? { destination } : {}),
        ...(since ? { since } : {}),
      },
      apiActor(deps.store, request.log, by, 'resend', args),
    );
    if (result.kind === 'not-found') return reply.code(404).send({ error: errorText(result) });
    request.log.info({ by, ...args, resent: result.resent.length }, 'failed deliveries sent again');
    return { resent: result.resent.length, message: statement(result), deliveries: result.resent };
  });
}

function registerStatus(app: FastifyInstance, deps: ActionDeps) {
  app.get('/api/v1/status', async () => {
    const now = new Date();
    const view = await loadFiringView(deps.store, { limit: STATUS_LIST_LIMIT, failedSince: new Date(now.getTime() - DAY_MS) });
    return {
      firing: { counts: view.counts, total: view.firingTotal, alerts: view.firing },
      escalations: { total: view.escalationTotal, open: view.escalations },
      services: await describeServices(deps.manager, deps.heal, now),
      heartbeats: await deps.heartbeats.list(now),
      queues: { ...(await deps.backlog()), unsentDeliveries: view.pendingDeliveries },
      failedDeliveries24h: view.failedDeliveriesSince,
    };
  });
}

function registerHistory(app: FastifyInstance, deps: ActionDeps) {
  app.get('/api/v1/services/:name/history', async (request, reply) => {
    const name = nameParam.safeParse(request.params);
    const query = historyQuery.safeParse(request.query);
    if (!name.success || !query.success) return badRequest(reply, request, 'invalid history request', issuesOf((name.error ?? query.error)!));
    if (!deps.manager.get(name.data.name)) return reply.code(404).send({ error: errorText({ kind: 'not-found', what: 'service', id: name.data.name }) });
    const now = new Date();
    const since = new Date(now.getTime() - query.data.hours * 3_600_000);
    return {
      service: name.data.name,
      since,
      uptime: await deps.manager.uptime.ratio(name.data.name, since.getTime(), now.getTime()),
      events: (await deps.manager.records.eventsSince(name.data.name, since)).slice(0, 1_000),
    };
  });
}
