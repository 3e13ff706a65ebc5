import type { Statement } from 'better-sqlite3';
import { and, count, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/open.js';
import { alerts, deliveries, type AlertRow } from '../../db/schema.js';
import { SEVERITIES, type Severity } from '../../channels/types.js';

export interface EscalationLine {
  alertId: number;
  title: string;
  severity: Severity;
  /** The highest level already taken, 0 when none yet. */
  reached: number;
  nextLevel: number | null;
  nextDueAt: Date | null;
}

export interface AlertsView {
  /** Up to `limit` firing alerts: CRIT first, then WARN, then INFO; newest first within each. */
  firing: AlertRow[];
  counts: Record<Severity, number>;
  /** Firing, unacknowledged alerts on an escalation ladder, the next step due first. */
  escalations: EscalationLine[];
  escalationCount: number;
  pendingDeliveries: number;
  failedDeliveriesSince: number;
}

const ESCALATIONS_FROM = `
  from (
    select a.id, a.title, a.severity,
      (select min(p.due_at) from escalation_steps p where p.alert_id = a.id and +p.state = 'pending') as next_due,
      (select p.level from escalation_steps p where p.alert_id = a.id and +p.state = 'pending' order by p.due_at, p.id limit 1) as next_level,
      (select max(d.level) from escalation_steps d where d.alert_id = a.id and +d.state = 'done') as reached
    from alerts a where a.status = 'firing' and a.acked_at is null
  ) where next_due is not null or reached is not null`;

type EscalationRaw = [number, string, Severity, number | null, number | null, number | null];

/**
 * The dashboard's alert queries, each bounded by an index: the firing list per severity via
 * alerts_status_severity (no sort), counts from the same index, escalation steps per firing alert
 * via escalation_steps_alert. Nothing here grows with the resolved history.
 */
export class AlertsQuery {
  private readonly escalationRows: Statement<[number], EscalationRaw>;
  private readonly escalationTotal: Statement<[], [number]>;

  private readonly firingOf;
  private readonly firingCounts;
  private readonly pendingDeliveries;
  private readonly failedDeliveriesSince;

  constructor(db: Db) {
    this.escalationRows = db.$client
      .prepare<[number], EscalationRaw>(`select id, title, severity, next_due, next_level, reached ${ESCALATIONS_FROM} order by next_due is null, next_due, id limit ?`)
      .raw();
    this.escalationTotal = db.$client.prepare<[], [number]>(`select count(*) ${ESCALATIONS_FROM}`).raw();
    this.firingOf = db
      .select()
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), eq(alerts.severity, sql.placeholder('severity'))))
      .orderBy(desc(alerts.id))
      .limit(sql.placeholder('limit'))
      .prepare();
    this.firingCounts = db.select({ severity: alerts.severity, n: count() }).from(alerts).where(eq(alerts.status, 'firing')).groupBy(alerts.severity).prepare();
    this.pendingDeliveries = db.select({ n: count() }).from(deliveries).where(inArray(deliveries.state, ['pending', 'sending'])).prepare();
    this.failedDeliveriesSince = db
      .select({ n: count() })
      .from(deliveries)
      .where(and(eq(deliveries.state, 'failed'), gt(deliveries.createdAt, sql.placeholder('since'))))
      .prepare();
  }

  load(limit: number, failedSince: Date): AlertsView {
    const firing: AlertRow[] = [];
    for (const severity of [...SEVERITIES].reverse()) {
      if (firing.length >= limit) break;
      firing.push(...this.firingOf.all({ severity, limit: limit - firing.length }));
    }
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const row of this.firingCounts.all()) {
      counts[row.severity] = row.n;
    }
    const escalations = this.escalationRows.all(limit).map(([alertId, title, severity, nextDue, nextLevel, reached]) => ({
      alertId,
      title,
      severity,
      reached: reached ?? 0,
      nextLevel,
      nextDueAt: nextDue === null ? null : new Date(nextDue),
    }));
    return {
      firing,
      counts,
      escalations,
      escalationCount: this.escalationTotal.get()?.[0] ?? 0,
      pendingDeliveries: this.pendingDeliveries.get()?.n ?? 0,
      failedDeliveriesSince: this.failedDeliveriesSince.get({ since: failedSince.getTime() })?.n ?? 0,
    };
  }
}
