import type { Statement } from 'better-sqlite3';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, type AlertRow } from '../db/schema.js';
import { SEVERITIES, type Severity } from '../shared/types.js';
import { SEVERITIES_CRIT_FIRST } from '../shared/severity.js';

export interface OpenEscalation {
  alertId: number;
  title: string;
  severity: Severity;
  /** The highest level already taken, 0 when none yet. */
  reached: number;
  nextLevel: number | null;
  nextDueAt: Date | null;
}

export interface FiringView {
  /** Up to `limit` firing alerts, chosen across all of them: CRIT first, then WARN, then INFO; newest first within each. */
  firing: AlertRow[];
  /** Every firing alert, however many the list shows. */
  firingTotal: number;
  counts: Record<Severity, number>;
  /** Up to `limit` firing, unacknowledged alerts on an escalation ladder, the next step due first. */
  escalations: OpenEscalation[];
  /** Every open escalation, however many the list shows. */
  escalationTotal: number;
  pendingDeliveries: number;
  failedDeliveriesSince: number;
}

export interface FiringViewOptions {
  limit: number;
  failedSince: Date;
  /** Only this service's alerts and escalations (delivery figures stay bot-wide). */
  service?: string;
}

const OF_SERVICE = '(@service is null or a.service = @service)';

const ESCALATIONS_FROM = `
  from (
    select a.id, a.title, a.severity,
      (select min(p.due_at) from escalation_steps p where p.alert_id = a.id and +p.state = 'pending') as next_due,
      (select p.level from escalation_steps p where p.alert_id = a.id and +p.state = 'pending' order by p.due_at, p.id limit 1) as next_level,
      (select max(d.level) from escalation_steps d where d.alert_id = a.id and +d.state = 'done') as reached
    from alerts a where a.status = 'firing' and a.acked_at is null and ${OF_SERVICE}
  ) where next_due is not null or reached is not null`;

type EscalationRaw = [number, string, Severity, number | null, number | null, number | null];
type Bind = { service: string | null };

/**
 * What /status, the status API and the dashboard show of firing alerts, each query bounded by an
 * index: the firing list per severity via alerts_status_severity, counts from the same index,
 * escalation steps per firing alert via escalation_steps_alert. Lists are cut after they are
 * ordered, so a storm of WARNs never hides a CRIT, and totals are counted on their own.
 */
export class FiringQuery {
  private readonly escalationRows: Statement<[Bind & { limit: number }], EscalationRaw>;
  private readonly escalationTotal: Statement<[Bind], [number]>;
  private readonly firingOf;
  private readonly firingCounts: Statement<[Bind], [Severity, number]>;
  private readonly pendingDeliveries: Statement<[], [number]>;
  private readonly failedDeliveriesSince: Statement<[number], [number]>;

  constructor(db: Db) {
    const client = db.$client;
    this.escalationRows = client
      .prepare<[Bind & { limit: number }], EscalationRaw>(
        `select id, title, severity, next_due, next_level, reached ${ESCALATIONS_FROM} order by next_due is null, next_due, id limit @limit`,
      )
      .raw();
    this.escalationTotal = client.prepare<[Bind], [number]>(`select count(*) ${ESCALATIONS_FROM}`).raw();
    const service = sql.placeholder('service');
    this.firingOf = db
      .select()
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), eq(alerts.severity, sql.placeholder('severity')), sql`(${service} is null or ${alerts.service} = ${service})`))
      .orderBy(desc(alerts.id))
      .limit(sql.placeholder('limit'))
      .prepare();
    this.firingCounts = client
      .prepare<[Bind], [Severity, number]>(`select a.severity, count(*) from alerts a where a.status = 'firing' and ${OF_SERVICE} group by a.severity`)
      .raw();
    this.pendingDeliveries = client.prepare<[], [number]>(`select count(*) from deliveries where state in ('pending', 'sending')`).raw();
    this.failedDeliveriesSince = client.prepare<[number], [number]>(`select count(*) from deliveries where state = 'failed' and created_at > ?`).raw();
  }

  load({ limit, failedSince, service }: FiringViewOptions): FiringView {
    const bind = { service: service ?? null };
    const firing: AlertRow[] = [];
    for (const severity of SEVERITIES_CRIT_FIRST) {
      if (firing.length >= limit) break;
      firing.push(...this.firingOf.all({ ...bind, severity, limit: limit - firing.length }));
    }
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const [severity, n] of this.firingCounts.all(bind)) counts[severity] = n;
    const escalations = this.escalationRows.all({ ...bind, limit }).map(([alertId, title, severity, nextDue, nextLevel, reached]) => ({
      alertId,
      title,
      severity,
      reached: reached ?? 0,
      nextLevel,
      nextDueAt: nextDue === null ? null : new Date(nextDue),
    }));
    return {
      firing,
      firingTotal: SEVERITIES.reduce((sum, s) => sum + counts[s], 0),
      counts,
      escalations,
      escalationTotal: this.escalationTotal.get(bind)?.[0] ?? 0,
      pendingDeliveries: this.pendingDeliveries.get()?.[0] ?? 0,
      failedDeliveriesSince: this.failedDeliveriesSince.get(failedSince.getTime())?.[0] ?? 0,
    };
  }
}
