import { and, desc, eq, lt, sql, type SQL } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { Severity } from '../shared/types.js';

export interface AlertFilter {
  status?: 'firing' | 'resolved';
  severity?: Severity;
  service?: string;
  /** Words in the title, any case. */
  text?: string;
  before?: number;
  limit: number;
}

export function listAlerts(store: Store, filter: AlertFilter) {
  const { alerts } = store.t;
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(alerts.status, filter.status));
  if (filter.severity) conditions.push(eq(alerts.severity, filter.severity));
  if (filter.service) conditions.push(eq(alerts.service, filter.service));
  if (filter.text) conditions.push(sql`lower(${alerts.title}) like ${`%${filter.text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'`);
  if (filter.before) conditions.push(lt(alerts.id, filter.before));
  return store.db
    .select()
    .from(alerts)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(alerts.id))
    .limit(filter.limit);
}

/** One alert with every delivery, and for summarized ones the summary message that carried it. */
export async function getAlertDetail(store: Store, id: number) {
  const { db } = store;
  const { alerts, deliveries, escalationSteps, summaries } = store.t;
  const [alert] = await db.select().from(alerts).where(eq(alerts.id, id));
  if (!alert) return undefined;
  const rows = await db
    .select({ delivery: deliveries, summary: summaries })
    .from(deliveries)
    .leftJoin(summaries, eq(summaries.id, deliveries.summaryId))
    .where(eq(deliveries.alertId, id))
    .orderBy(deliveries.id);
  const steps = await db
    .select()
    .from(escalationSteps)
    .where(eq(escalationSteps.alertId, id))
    .orderBy(escalationSteps.dueAt, escalationSteps.id);
  return {
    ...alert,
    escalation: steps.map((step) => ({
      id: step.id,
      level: step.level,
      repeat: step.repeat,
      dueAt: step.dueAt,
      state: step.state,
      notified: step.notified,
      detail: step.detail,
      doneAt: step.doneAt,
    })),
    deliveries: rows.map(({ delivery, summary }) => ({
      id: delivery.id,
      platform: delivery.platform,
      destination: delivery.destination,
      state: delivery.state,
      messageId: delivery.messageId,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      sentAt: delivery.sentAt,
      syncedRevision: delivery.syncedRevision,
      summary: summary
        ? { id: summary.id, state: summary.state, messageId: summary.messageId, alertCount: summary.alertCount, group: summary.groupLabels }
        : null,
    })),
  };
}

/** One alert as `getAlertDetail` gives it. */
export type AlertDetail = NonNullable<Awaited<ReturnType<typeof getAlertDetail>>>;
