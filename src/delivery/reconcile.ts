import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { Platform } from '../shared/types.js';
import type { FollowUps } from './context.js';

export interface ReconcileReport {
  destinationsWithPending: number;
  unfinishedDeliveries: number;
  pendingSummaries: number;
  /** Posted summaries whose alerts changed since their message was last edited. */
  staleSummaries: number;
}

/**
 * Re-enqueues every piece of unfinished delivery work found in the store: pending deliveries (one
 * flush per destination), deliveries claimed but never confirmed, posted messages that lag behind
 * their alert, summaries not yet posted, and posted summaries that lag behind their alerts. Platforms without a configured client are skipped:
 * their deliveries wait, kept, until the platform is configured.
 */
export async function reconcile(store: Store, followUps: FollowUps, platforms: Platform[]): Promise<ReconcileReport> {
  const { db } = store;
  const { alerts, deliveries, summaries } = store.t;
  if (platforms.length === 0) return { destinationsWithPending: 0, unfinishedDeliveries: 0, pendingSummaries: 0, staleSummaries: 0 };
  const inPlatforms = inArray(deliveries.platform, platforms);

  const pendingDestinations = await db
    .selectDistinct({ platform: deliveries.platform, destination: deliveries.destination })
    .from(deliveries)
    .where(and(eq(deliveries.state, 'pending'), inPlatforms))
    .orderBy(deliveries.platform, deliveries.destination);
  for (const d of pendingDestinations) await followUps.flush(d.platform, d.destination);

  const unfinished = await db
    .select({ deliveryId: deliveries.id, revision: alerts.revision, platform: deliveries.platform })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .where(
      and(
        inPlatforms,
        or(
          eq(deliveries.state, 'sending'),
          and(
            eq(deliveries.state, 'sent'),
            or(
              lt(deliveries.syncedRevision, alerts.revision),
              and(eq(alerts.status, 'resolved'), isNull(deliveries.resolveReplyId)),
            ),
          ),
        ),
      ),
    )
    .orderBy(deliveries.id);
  for (const d of unfinished) await followUps.delivery(d);

  const pendingSummaries = await db
    .select({ summaryId: summaries.id, platform: summaries.platform })
    .from(summaries)
    .where(and(eq(summaries.state, 'pending'), inArray(summaries.platform, platforms)))
    .orderBy(summaries.id);
  for (const s of pendingSummaries) await followUps.summary(s);

  const staleSummaries = await db
    .select({ summaryId: summaries.id, revision: summaries.revision, platform: summaries.platform })
    .from(summaries)
    .where(and(eq(summaries.state, 'sent'), lt(summaries.syncedRevision, summaries.revision), inArray(summaries.platform, platforms)))
    .orderBy(summaries.id);
  for (const s of staleSummaries) await followUps.summaryEdit(s);

  return {
    destinationsWithPending: pendingDestinations.length,
    unfinishedDeliveries: unfinished.length,
    pendingSummaries: pendingSummaries.length,
    staleSummaries: staleSummaries.length,
  };
}
