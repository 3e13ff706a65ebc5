import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { AlertRow } from '../db/schema.js';

export interface GroupMembers {
  labels: Record<string, string>;
  alerts: AlertRow[];
}

/** A route group's message (by its summary id) and the alerts in it, oldest first; undefined for no group (a storm summary is none). */
export async function groupMembers(store: Store, summaryId: number): Promise<GroupMembers | undefined> {
  const { alerts, deliveries, summaries } = store.t;
  const [group] = await store.db
    .select({ labels: summaries.groupLabels })
    .from(summaries)
    .where(and(eq(summaries.id, summaryId), isNotNull(summaries.groupKey)));
  if (!group) return undefined;
  const members = await store.db
    .select({ alert: alerts })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .where(eq(deliveries.summaryId, summaryId))
    .orderBy(asc(alerts.id));
  return { labels: group.labels ?? {}, alerts: members.map((m) => m.alert) };
}
