import { and, count, desc, eq, gt, inArray, max, min } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, escalationSteps, type AlertRow } from '../db/schema.js';
import { SEVERITIES, type Severity } from '../channels/types.js';
import { sortCritFirst } from '../channels/shared/severity.js';

export interface OpenEscalation {
  alertId: number;
  /** The highest level already taken, 0 when none yet. */
  reached: number;
  nextLevel: number | null;
  nextDueAt: Date | null;
}

export interface Overview {
  firing: AlertRow[];
  counts: Record<Severity, number>;
  escalations: OpenEscalation[];
  pendingDeliveries: number;
  failedDeliveriesSince: number;
}

const TOP_FIRING = 500;

/** What /status shows: firing alerts (CRIT first), open escalations, delivery health. */
export function overview(db: Db, options: { service?: string; failedSince: Date }): Overview {
  const firingFilter = options.service
    ? and(eq(alerts.status, 'firing'), eq(alerts.service, options.service))
    : eq(alerts.status, 'firing');
  const firing = sortCritFirst(db.select().from(alerts).where(firingFilter).orderBy(desc(alerts.id)).limit(TOP_FIRING).all());
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const row of db.select({ severity: alerts.severity, n: count() }).from(alerts).where(firingFilter).groupBy(alerts.severity).all()) {
    counts[row.severity] = row.n;
  }
  const firingIds = firing.map((a) => a.id);
  return {
    firing,
    counts,
    escalations: openEscalations(db, firingIds),
    pendingDeliveries:
      db.select({ n: count() }).from(deliveries).where(inArray(deliveries.state, ['pending', 'sending'])).get()?.n ?? 0,
    failedDeliveriesSince:
      db
        .select({ n: count() })
        .from(deliveries)
        .where(and(eq(deliveries.state, 'failed'), gt(deliveries.createdAt, options.failedSince)))
        .get()?.n ?? 0,
  };
}

function openEscalations(db: Db, alertIds: number[]): OpenEscalation[] {
  if (alertIds.length === 0) return [];
  const pending = db
    .select({ alertId: escalationSteps.alertId, nextDueAt: min(escalationSteps.dueAt) })
    .from(escalationSteps)
    .where(and(inArray(escalationSteps.alertId, alertIds), eq(escalationSteps.state, 'pending')))
    .groupBy(escalationSteps.alertId)
    .all();
  const reached = new Map(
    db
      .select({ alertId: escalationSteps.alertId, level: max(escalationSteps.level) })
      .from(escalationSteps)
      .where(and(inArray(escalationSteps.alertId, alertIds), eq(escalationSteps.state, 'done')))
      .groupBy(escalationSteps.alertId)
      .all()
      .map((r) => [r.alertId, r.level ?? 0]),
  );
  const pendingByAlert = new Map(pending.map((p) => [p.alertId, p.nextDueAt]));
  const open = alertIds.filter((id) => pendingByAlert.has(id) || reached.has(id));
  return open.map((alertId) => {
    const p = { alertId, nextDueAt: pendingByAlert.get(alertId) ?? null };
    const next = p.nextDueAt
      ? db
          .select({ level: escalationSteps.level })
          .from(escalationSteps)
          .where(and(eq(escalationSteps.alertId, p.alertId), eq(escalationSteps.state, 'pending'), eq(escalationSteps.dueAt, p.nextDueAt)))
          .get()
      : undefined;
    return { alertId: p.alertId, reached: reached.get(p.alertId) ?? 0, nextLevel: next?.level ?? null, nextDueAt: p.nextDueAt };
  });
}
