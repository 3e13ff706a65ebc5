import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm';
import { forUpdate, type Store } from '../db/store.js';
import type { Platform } from '../shared/types.js';
import type { DeliveryWork, WorkSink } from '../shared/work.js';

/** Which failed deliveries to send again; every field narrows, none means all of them. */
export interface ResendFilter {
  alertId?: number;
  platform?: Platform;
  destination?: string;
  /** Only deliveries planned after this time. */
  since?: Date;
}

export interface ResentDelivery {
  deliveryId: number;
  alertId: number;
  platform: Platform;
  destination: string;
}

/**
 * Puts failed deliveries back to `pending` with their attempts counted from zero and out of the
 * storm summary that failed with them, in one transaction. From there they go like new ones:
 * posted on their destination's pace, or folded into a summary when many wait there.
 */
export function reopenFailedDeliveries(store: Store, filter: ResendFilter): Promise<{ resent: ResentDelivery[]; work: DeliveryWork[] }> {
  const { alerts, deliveries } = store.t;
  const conditions: SQL[] = [eq(deliveries.state, 'failed')];
  if (filter.alertId !== undefined) conditions.push(eq(deliveries.alertId, filter.alertId));
  if (filter.platform !== undefined) conditions.push(eq(deliveries.platform, filter.platform));
  if (filter.destination !== undefined) conditions.push(eq(deliveries.destination, filter.destination));
  if (filter.since !== undefined) conditions.push(gt(deliveries.createdAt, filter.since));
  const failed = and(...conditions);
  return store.transaction(async (tx) => {
    const rows = await forUpdate(
      tx
        .select({ deliveryId: deliveries.id, alertId: deliveries.alertId, platform: deliveries.platform, destination: deliveries.destination, revision: alerts.revision })
        .from(deliveries)
        .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
        .where(failed)
        .orderBy(asc(deliveries.id)),
    );
    const reopened = rows.map((row) => row.deliveryId);
    if (reopened.length > 0) {
      await tx.update(deliveries).set({ state: 'pending', attempts: 0, summaryId: null, claimedAt: null, claimedBy: null }).where(and(failed, inArray(deliveries.id, reopened)));
    }
    return {
      resent: rows.map(({ deliveryId, alertId, platform, destination }) => ({ deliveryId, alertId, platform, destination })),
      work: rows.map(({ deliveryId, revision, platform, destination }) => ({ deliveryId, revision, platform, destination, planned: true })),
    };
  });
}

/** What a resend needs: the store, the queues, and which chat platforms have a token. The API, the dashboard and chat each have them. */
export interface ResendDeps {
  store: Store;
  sink: WorkSink;
  platforms: readonly Platform[];
}

/** Sends failed deliveries again (reopened in the store first, then handed to the deliver queues) and says what it did. */
export async function resendFailedDeliveries(deps: ResendDeps, filter: ResendFilter): Promise<{ resent: ResentDelivery[]; message: string }> {
  const { resent, work } = await reopenFailedDeliveries(deps.store, filter);
  await deps.sink.deliveries(work);
  return { resent, message: describeResent(resent, deps.platforms) };
}

/**
 * "3 failed deliveries queued again (2 to discord 123, 1 to telegram -100)" for replies and the audit
 * log, saying which of them wait for a platform that has no token.
 */
export function describeResent(resent: ResentDelivery[], platformsOn: readonly Platform[]): string {
  if (resent.length === 0) return 'No failed deliveries matched; nothing was sent again';
  const perDestination = new Map<string, number>();
  for (const d of resent) {
    const key = `${d.platform} ${d.destination}`;
    perDestination.set(key, (perDestination.get(key) ?? 0) + 1);
  }
  const parts = [...perDestination].map(([where, n]) => `${n} to ${where}`);
  const off = [...new Set(resent.map((d) => d.platform))].filter((platform) => !platformsOn.includes(platform));
  const waiting = off.length === 0 ? '' : `; ${off.join(' and ')} ${off.length === 1 ? 'has' : 'have'} no token, so those wait until one is set`;
  return `${resent.length} failed ${resent.length === 1 ? 'delivery' : 'deliveries'} queued again (${parts.join(', ')})${waiting}`;
}
