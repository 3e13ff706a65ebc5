import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { acknowledgeAlert, resolveAlert } from '../alerts/lifecycle.js';
import { overview } from '../alerts/overview.js';
import type { WorkSink } from '../shared/work.js';
import { recordAudit } from '../chat/audit.js';
import type { Db } from '../db/open.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import { describeServices } from '../heal/service-view.js';
import { badRequest, issuesOf } from './errors.js';
import { PLATFORMS, type Platform } from '../shared/types.js';
import { alerts } from '../db/schema.js';
import { resendFailedDeliveries } from '../delivery/resend.js';

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
  db: Db;
  sink: WorkSink;
  heartbeats: Heartbeats;
  manager: ServiceManager;
  heal: HealService;
  /** Chat platforms with a token. */
  platforms: Platform[];
  backlog(): Promise<Record<string, number>>;
}

/** What the CLI and scripts act on: ack/resolve by API, the /status view as JSON, a service's history. */
export function registerActionRoutes(app: FastifyInstance, deps: ActionDeps) {
  for (const [verb, act] of [['ack', acknowledgeAlert], ['resolve', resolveAlert]] as const) {
    app.post(`/api/v1/alerts/:id/${verb}`, async (request, reply) => {
      const id = idParam.safeParse(request.params);
      const body = byBody.safeParse(request.body ?? undefined);
      if (!id.success || !body.success) return badRequest(reply, request, `invalid ${verb} request`, issuesOf((id.error ?? body.error)!));
      const by = body.data?.by ?? 'api';
      const outcome = act(deps.db, id.data.id, by);
      recordAudit(deps.db, { at: new Date(), platform: 'api', userId: by, userName: by, chatId: null, via: 'api', command: verb, args: { alert: String(id.data.id) }, result: outcome.outcome === 'done' ? 'ok' : 'invalid', detail: outcome.outcome });
      if (outcome.outcome === 'unknown') return reply.code(404).send({ error: `no alert #${id.data.id}` });
      if (outcome.outcome === 'already') {
        const alert = outcome.alert;
        const why = alert.status === 'resolved' ? `already resolved${alert.resolvedBy ? ` by ${alert.resolvedBy}` : ''}` : `already acknowledged by ${alert.ackedBy ?? 'someone'}`;
        return reply.code(409).send({ error: `alert #${alert.id} is ${why}`, alert });
      }
      await deps.sink.sync(outcome);
      return { alert: outcome.alert, stoppedEscalationSteps: outcome.stoppedSteps };
    });
  }

  app.post('/api/v1/deliveries/resend', async (request, reply) => {
    const body = resendBody.safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, request, 'invalid resend request', issuesOf(body.error));
    const { alert, platform, destination, hours, by = 'api' } = body.data;
    const args = Object.fromEntries(Object.entries({ alert, platform, destination, hours }).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    const audit = (result: 'ok' | 'invalid', detail: string) =>
      recordAudit(deps.db, { at: new Date(), platform: 'api', userId: by, userName: by, chatId: null, via: 'api', command: 'resend', args, result, detail });
    if (alert !== undefined && !deps.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.id, alert)).get()) {
      audit('invalid', 'unknown alert');
      return reply.code(404).send({ error: `no alert #${alert}` });
    }
    const since = hours === undefined ? undefined : new Date(Date.now() - hours * 3_600_000);
    const { resent, message } = await resendFailedDeliveries(deps, {
      ...(alert !== undefined ? { alertId: alert } : {}),
      ...(platform ? { platform } : {}),
      ...(destination ? { destination } : {}),
      ...(since ? { since } : {}),
    });
    audit('ok', message);
    request.log.info({ by, ...args, resent: resent.length }, 'failed deliveries sent again');
    return { resent: resent.length, message, deliveries: resent };
  });

  app.get('/api/v1/status', async () => {
    const now = new Date();
    const view = overview(deps.db, { limit: STATUS_LIST_LIMIT, failedSince: new Date(now.getTime() - DAY_MS) });
    return {
      firing: { counts: view.counts, total: view.firingTotal, alerts: view.firing },
      escalations: { total: view.escalationTotal, open: view.escalations },
      services: describeServices(deps.manager, deps.heal, now),
      heartbeats: deps.heartbeats.list(now),
      queues: { ...(await deps.backlog()), unsentDeliveries: view.pendingDeliveries },
      failedDeliveries24h: view.failedDeliveriesSince,
    };
  });

  app.get('/api/v1/services/:name/history', async (request, reply) => {
    const name = nameParam.safeParse(request.params);
    const query = historyQuery.safeParse(request.query);
    if (!name.success || !query.success) return badRequest(reply, request, 'invalid history request', issuesOf((name.error ?? query.error)!));
    if (!deps.manager.get(name.data.name)) return reply.code(404).send({ error: `no service named ${JSON.stringify(name.data.name)} is configured` });
    const now = new Date();
    const since = new Date(now.getTime() - query.data.hours * 3_600_000);
    return {
      service: name.data.name,
      since,
      uptime: deps.manager.uptime.ratio(name.data.name, since.getTime(), now.getTime()),
      events: deps.manager.records.eventsSince(name.data.name, since).slice(0, 1_000),
    };
  });
}
