import { and, count, desc, eq, gte, inArray, isNotNull, lte, max, sql, type Column } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import { SEVERITIES, type Severity } from '../shared/types.js';
import { sortCritFirst } from '../shared/severity.js';
import type { HeartbeatView } from '../heartbeats/heartbeats.js';
import { uptimeRatio } from '../heal/uptime.js';

export interface Period {
  start: Date;
  end: Date;
}

const LISTED = 20;

/** Alerts that fired in the period: by severity and by service (the busiest first). */
export async function alertsSection(store: Store, period: Period) {
  const { alerts } = store.t;
  const inPeriod = and(gte(alerts.firedAt, period.start), lte(alerts.firedAt, period.end));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const row of await store.db.select({ severity: alerts.severity, n: count() }).from(alerts).where(inPeriod).groupBy(alerts.severity)) {
    bySeverity[row.severity] = row.n;
  }
  const byService = await store.db
    .select({ service: alerts.service, n: count() })
    .from(alerts)
    .where(inPeriod)
    .groupBy(alerts.service)
    .orderBy(desc(count()))
    .limit(LISTED);
  const total = Object.values(bySeverity).reduce((a, b) => a + b, 0);
  return { total, bySeverity, byService: byService.map((r) => ({ service: r.service ?? '(none)', count: r.n })) };
}

/** Every alert still firing now, CRIT first. */
export async function stillFiringSection(store: Store) {
  const { alerts } = store.t;
  const firing = await store.db.select().from(alerts).where(eq(alerts.status, 'firing')).orderBy(desc(alerts.id)).limit(500);
  const [counted] = await store.db.select({ n: count() }).from(alerts).where(eq(alerts.status, 'firing'));
  const total = counted?.n ?? 0;
  return {
    total,
    listed: sortCritFirst(firing)
      .slice(0, LISTED)
      .map((a) => ({ id: a.id, severity: a.severity, title: a.title, service: a.service, firedAt: a.firedAt, ackedBy: a.ackedBy })),
  };
}

/** Mean time to acknowledge and to resolve, over the alerts acked / resolved in the period. */
export async function responseSection(store: Store, period: Period) {
  const { alerts } = store.t;
  const [acked] = await store.db
    .select({ n: count(), mean: meanMs(store, alerts.ackedAt, alerts.firedAt) })
    .from(alerts)
    .where(and(isNotNull(alerts.ackedAt), gte(alerts.ackedAt, period.start), lte(alerts.ackedAt, period.end)));
  const [resolved] = await store.db
    .select({ n: count(), mean: meanMs(store, alerts.resolvedAt, alerts.firedAt) })
    .from(alerts)
    .where(and(isNotNull(alerts.resolvedAt), gte(alerts.resolvedAt, period.start), lte(alerts.resolvedAt, period.end)));
  return {
    acked: acked?.n ?? 0,
    meanTimeToAckMs: acked?.mean ?? null,
    resolved: resolved?.n ?? 0,
    meanTimeToResolveMs: resolved?.mean ?? null,
  };
}

/** Alerts that escalated in the period and the highest level each reached. */
export async function escalationsSection(store: Store, period: Period) {
  const { alerts, escalationSteps } = store.t;
  const reached = await store.db
    .select({ alertId: escalationSteps.alertId, level: max(escalationSteps.level) })
    .from(escalationSteps)
    .where(and(eq(escalationSteps.state, 'done'), gte(escalationSteps.doneAt, period.start), lte(escalationSteps.doneAt, period.end)))
    .groupBy(escalationSteps.alertId)
    .orderBy(escalationSteps.alertId);
  const byLevel: Record<string, number> = {};
  for (const r of reached) byLevel[`L${r.level}`] = (byLevel[`L${r.level}`] ?? 0) + 1;
  const titles = reached.length
    ? new Map((await store.db.select({ id: alerts.id, title: alerts.title }).from(alerts).where(inArray(alerts.id, reached.slice(0, LISTED).map((r) => r.alertId)))).map((a) => [a.id, a.title]))
    : new Map<number, string>();
  return {
    alerts: reached.length,
    byLevel,
    listed: reached.slice(0, LISTED).map((r) => ({ alertId: r.alertId, level: r.level ?? 0, title: titles.get(r.alertId) ?? '' })),
  };
}

export async function healsSection(store: Store, period: Period) {
  const { healRuns } = store.t;
  const runs = await store.db
    .select()
    .from(healRuns)
    .where(and(gte(healRuns.startedAt, period.start), lte(healRuns.startedAt, period.end)))
    .orderBy(desc(healRuns.id));
  const succeeded = runs.filter((r) => r.state === 'succeeded').length;
  const failed = runs.filter((r) => r.state === 'failed').length;
  return {
    runs: runs.length,
    succeeded,
    failed,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    listed: runs.slice(0, LISTED).map((r) => ({ id: r.id, service: r.service, action: r.action, trigger: r.trigger, state: r.state, verification: r.verification })),
  };
}

export async function restartsSection(store: Store, period: Period) {
  const { serviceEvents } = store.t;
  return store.db
    .select({ service: serviceEvents.service, count: count() })
    .from(serviceEvents)
    .where(and(eq(serviceEvents.kind, 'restarting'), gte(serviceEvents.at, period.start), lte(serviceEvents.at, period.end)))
    .groupBy(serviceEvents.service)
    .orderBy(serviceEvents.service);
}

export async function uptimeSection(store: Store, services: string[], period: Period) {
  const ratios = [];
  for (const service of services) ratios.push({ service, ratio: await uptimeRatio(store, service, period.start, period.end) });
  return ratios;
}

export function heartbeatsSection(list: HeartbeatView[]) {
  const down = list.filter((h) => h.state === 'stale' || h.state === 'failed');
  return { total: list.length, down: down.map((h) => ({ name: h.name, state: h.state, since: h.downSince, lastBeatAt: h.lastBeatAt })) };
}

export async function failedDeliveriesSection(store: Store, period: Period) {
  const { deliveries } = store.t;
  const failed = await store.db
    .select({ id: deliveries.id, alertId: deliveries.alertId, platform: deliveries.platform, destination: deliveries.destination, lastError: deliveries.lastError })
    .from(deliveries)
    .where(and(eq(deliveries.state, 'failed'), gte(deliveries.createdAt, period.start), lte(deliveries.createdAt, period.end)))
    .orderBy(desc(deliveries.id));
  return { total: failed.length, listed: failed.slice(0, LISTED) };
}

export async function triggerFiresSection(store: Store, period: Period) {
  const { triggerFires } = store.t;
  return store.db
    .select({ rule: triggerFires.rule, fires: count() })
    .from(triggerFires)
    .where(and(gte(triggerFires.at, period.start), lte(triggerFires.at, period.end)))
    .groupBy(triggerFires.rule)
    .orderBy(triggerFires.rule);
}

/**
 * The mean of `later - earlier` in milliseconds, null over no rows. SQLite stores both as epoch
 * milliseconds; PostgreSQL subtracts two timestamps into an interval, read here in seconds.
 */
function meanMs(store: Store, later: Column, earlier: Column) {
  const mean =
    store.dialect === 'postgres'
      ? sql<number | null>`avg(extract(epoch from (${later} - ${earlier})) * 1000)`
      : sql<number | null>`avg(${later} - ${earlier})`;
  return mean.mapWith(Number);
}
