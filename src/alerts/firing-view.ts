import { and, count, desc, eq, gt, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { AlertRow } from '../db/schema.js';
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
  /** The pending deliveries of each platform that has some. */
  pendingByPlatform: Record<string, number>;
  failedDeliveriesSince: number;
}

export interface FiringViewOptions {
  limit: number;
  failedSince: Date;
  /** Only this service's alerts and escalations (delivery figures stay bot-wide). */
  service?: string;
}

/**
 * What /status, the status API and the dashboard show of firing alerts, each query bounded by an
 * index: the firing list per severity via alerts_status_severity, counts from the same index,
 * escalation steps per firing alert via escalation_steps_alert (the state test is written so that no
 * planner prefers escalation_steps_state, which would scan every pending step). Lists are cut after
 * they are ordered, so a storm of WARNs never hides a CRIT, and totals are counted on their own.
 */
export async function loadFiringView(store: Store, { limit, failedSince, service }: FiringViewOptions): Promise<FiringView> {
  const { db } = store;
  const { alerts, deliveries } = store.t;
  const ofService = service === undefined ? undefined : eq(alerts.service, service);
  const firing: AlertRow[] = [];
  for (const severity of SEVERITIES_CRIT_FIRST) {
    if (firing.length >= limit) break;
    const rows = await db
      .select()
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), eq(alerts.severity, severity), ofService))
      .orderBy(desc(alerts.id))
      .limit(limit - firing.length);
    firing.push(...rows);
  }
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const bySeverity = await db.select({ severity: alerts.severity, n: count() }).from(alerts).where(and(eq(alerts.status, 'firing'), ofService)).groupBy(alerts.severity);
  for (const { severity, n } of bySeverity) counts[severity] = n;
  const open = openEscalations(store, service);
  const escalations = await db
    .select()
    .from(open)
    .where(or(isNotNull(open.nextDueAt), isNotNull(open.reached)))
    .orderBy(sql`${open.nextDueAt} is null`, open.nextDueAt, open.alertId)
    .limit(limit);
  const [escalationTotal] = await db.select({ n: count() }).from(open).where(or(isNotNull(open.nextDueAt), isNotNull(open.reached)));
  const pendingRows = await db.select({ platform: deliveries.platform, n: count() }).from(deliveries).where(inArray(deliveries.state, ['pending', 'sending'])).groupBy(deliveries.platform);
  const [failed] = await db.select({ n: count() }).from(deliveries).where(and(eq(deliveries.state, 'failed'), gt(deliveries.createdAt, failedSince)));
  return {
    firing,
    firingTotal: SEVERITIES.reduce((sum, s) => sum + counts[s], 0),
    counts,
    escalations: escalations.map((e) => ({ ...e, reached: e.reached ?? 0 })),
    escalationTotal: escalationTotal?.n ?? 0,
    pendingDeliveries: pendingRows.reduce((sum, row) => sum + row.n, 0),
    pendingByPlatform: Object.fromEntries(pendingRows.map((row) => [row.platform, row.n])),
    failedDeliveriesSince: failed?.n ?? 0,
  };
}

/** Each firing, unacknowledged alert (of `service`) with its ladder: the next pending step and the highest level taken. */
function openEscalations(store: Store, service: string | undefined) {
  const { alerts, escalationSteps: step } = store.t;
  const stateIs = (state: 'pending' | 'done') => sql`(${step.state} || '') = ${state}`;
  const ofAlert = eq(step.alertId, alerts.id);
  return store.db
    .select({
      alertId: alerts.id,
      title: alerts.title,
      severity: alerts.severity,
      nextDueAt: sql<Date | null>`(select min(${step.dueAt}) from ${step} where ${ofAlert} and ${stateIs('pending')})`.mapWith(step.dueAt).as('next_due'),
      nextLevel: sql<number | null>`(select ${step.level} from ${step} where ${ofAlert} and ${stateIs('pending')} order by ${step.dueAt}, ${step.id} limit 1)`
        .mapWith(Number)
        .as('next_level'),
      reached: sql<number | null>`(select max(${step.level}) from ${step} where ${ofAlert} and ${stateIs('done')})`.mapWith(Number).as('reached'),
    })
    .from(alerts)
    .where(and(eq(alerts.status, 'firing'), isNull(alerts.ackedAt), service === undefined ? undefined : eq(alerts.service, service)))
    .as('open_escalations');
}
