import { and, count, desc, eq, gte, inArray, isNotNull, lte, max, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, escalationSteps, healRuns, serviceEvents, triggerFires } from '../db/schema.js';
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
export function alertsSection(db: Db, period: Period) {
  const inPeriod = and(gte(alerts.firedAt, period.start), lte(alerts.firedAt, period.end));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const row of db.select({ severity: alerts.severity, n: count() }).from(alerts).where(inPeriod).groupBy(alerts.severity).all()) {
    bySeverity[row.severity] = row.n;
  }
  const byService = db
    .select({ service: alerts.service, n: count() })
    .from(alerts)
    .where(inPeriod)
    .groupBy(alerts.service)
    .orderBy(desc(count()))
    .limit(LISTED)
    .all()
    .map((r) => ({ service: r.service ?? '(none)', count: r.n }));
  const total = Object.values(bySeverity).reduce((a, b) => a + b, 0);
  return { total, bySeverity, byService };
}

/** Every alert still firing now, CRIT first. */
export function stillFiringSection(db: Db) {
  const firing = db.select().from(alerts).where(eq(alerts.status, 'firing')).orderBy(desc(alerts.id)).limit(500).all();
  const total = db.select({ n: count() }).from(alerts).where(eq(alerts.status, 'firing')).get()?.n ?? 0;
  return {
    total,
    listed: sortCritFirst(firing)
      .slice(0, LISTED)
      .map((a) => ({ id: a.id, severity: a.severity, title: a.title, service: a.service, firedAt: a.firedAt, ackedBy: a.ackedBy })),
  };
}

/** Mean time to acknowledge and to resolve, over the alerts acked / resolved in the period. */
export function responseSection(db: Db, period: Period) {
  const acked = db
    .select({ n: count(), mean: sql<number | null>`avg(${alerts.ackedAt} - ${alerts.firedAt})` })
    .from(alerts)
    .where(and(isNotNull(alerts.ackedAt), gte(alerts.ackedAt, period.start), lte(alerts.ackedAt, period.end)))
    .get();
  const resolved = db
    .select({ n: count(), mean: sql<number | null>`avg(${alerts.resolvedAt} - ${alerts.firedAt})` })
    .from(alerts)
    .where(and(isNotNull(alerts.resolvedAt), gte(alerts.resolvedAt, period.start), lte(alerts.resolvedAt, period.end)))
    .get();
  return {
    acked: acked?.n ?? 0,
    meanTimeToAckMs: acked?.mean ?? null,
    resolved: resolved?.n ?? 0,
    meanTimeToResolveMs: resolved?.mean ?? null,
  };
}

/** Alerts that escalated in the period and the highest level each reached. */
export function escalationsSection(db: Db, period: Period) {
  const reached = db
    .select({ alertId: escalationSteps.alertId, level: max(escalationSteps.level) })
    .from(escalationSteps)
    .where(and(eq(escalationSteps.state, 'done'), gte(escalationSteps.doneAt, period.start), lte(escalationSteps.doneAt, period.end)))
    .groupBy(escalationSteps.alertId)
    .all();
  const byLevel: Record<string, number> = {};
  for (const r of reached) byLevel[`L${r.level}`] = (byLevel[`L${r.level}`] ?? 0) + 1;
  const titles = reached.length
    ? new Map(db.select({ id: alerts.id, title: alerts.title }).from(alerts).where(inArray(alerts.id, reached.slice(0, LISTED).map((r) => r.alertId))).all().map((a) => [a.id, a.title]))
    : new Map<number, string>();
  return {
    alerts: reached.length,
    byLevel,
    listed: reached.slice(0, LISTED).map((r) => ({ alertId: r.alertId, level: r.level ?? 0, title: titles.get(r.alertId) ?? '' })),
  };
}

export function healsSection(db: Db, period: Period) {
  const runs = db
    .select()
    .from(healRuns)
    .where(and(gte(healRuns.startedAt, period.start), lte(healRuns.startedAt, period.end)))
    .orderBy(desc(healRuns.id))
    .all();
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

export function restartsSection(db: Db, period: Period) {
  return db
    .select({ service: serviceEvents.service, count: count() })
    .from(serviceEvents)
    .where(and(eq(serviceEvents.kind, 'restarting'), gte(serviceEvents.at, period.start), lte(serviceEvents.at, period.end)))
    .groupBy(serviceEvents.service)
    .all();
}

export function uptimeSection(db: Db, services: string[], period: Period) {
  return services.map((service) => ({ service, ratio: uptimeRatio(db, service, period.start, period.end) }));
}

export function heartbeatsSection(list: HeartbeatView[]) {
  const down = list.filter((h) => h.state === 'stale' || h.state === 'failed');
  return { total: list.length, down: down.map((h) => ({ name: h.name, state: h.state, since: h.downSince, lastBeatAt: h.lastBeatAt })) };
}

export function failedDeliveriesSection(db: Db, period: Period) {
  const failed = db
    .select({ id: deliveries.id, alertId: deliveries.alertId, platform: deliveries.platform, destination: deliveries.destination, lastError: deliveries.lastError })
    .from(deliveries)
    .where(and(eq(deliveries.state, 'failed'), gte(deliveries.createdAt, period.start), lte(deliveries.createdAt, period.end)))
    .orderBy(desc(deliveries.id))
    .all();
  return { total: failed.length, listed: failed.slice(0, LISTED) };
}

export function triggerFiresSection(db: Db, period: Period) {
  return db
    .select({ rule: triggerFires.rule, fires: count() })
    .from(triggerFires)
    .where(and(gte(triggerFires.at, period.start), lte(triggerFires.at, period.end)))
    .groupBy(triggerFires.rule)
    .all();
}
