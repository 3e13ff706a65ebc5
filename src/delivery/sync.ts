import type { Platform } from '../shared/types.js';
import { DONE, failureLadderOf, retryIn, type DeliveryContext, type Step } from './context.js';
import { meetFailure } from './failure-ladder.js';
import { repeatKeys } from './repeat-keys.js';
import { toAlertView, type DeliveryWithAlert } from './store.js';
import type { LoadedSummary } from './summary-store.js';

/**
 * Brings a posted message up to date with its alert: edits it after a dedup bump, an ack or a
 * resolution, and posts the short "resolved" reply once.
 */
export async function syncDelivery(ctx: DeliveryContext, row: DeliveryWithAlert): Promise<Step> {
  const { delivery, alert } = row;
  const needsEdit = delivery.syncedRevision < alert.revision;
  const needsReply = alert.status === 'resolved' && delivery.resolveReplyId === null;
  if (!needsEdit && !needsReply) return DONE;
  const adapter = ctx.adapters[delivery.platform];
  if (!adapter || delivery.messageId === null) return DONE;

  const slot = await ctx.pacer.take(delivery.platform, delivery.destination, `delivery:${delivery.id}`);
  if (!slot.allowed) return retryIn(slot.waitMs);
  try {
    if (needsEdit) {
      await adapter.editAlert(delivery.destination, delivery.messageId, toAlertView(alert));
      await ctx.store.markSynced(delivery.id, alert.revision);
      if (needsReply) return retryIn(1);
      return DONE;
    }
    const replyId = await adapter.postResolvedReply(delivery.destination, delivery.messageId, toAlertView(alert), repeatKeys.resolvedReply(delivery, alert.resolvedAt ?? alert.lastSeenAt));
    await ctx.store.markResolveReplied(delivery.id, replyId);
    return DONE;
  } catch (error) {
    return afterFailedUpdate(ctx, delivery, error, {
      recordAttempt: (reason) => ctx.store.recordAttempt(delivery.id, reason),
      giveUp: async (reason) => {
        ctx.log.error({ deliveryId: delivery.id, alertId: alert.id, reason }, 'could not update the posted message; giving up on this update');
        await ctx.store.markSynced(delivery.id, alert.revision, reason);
        if (needsReply && !needsEdit) await ctx.store.markResolveReplied(delivery.id, 'failed');
      },
    });
  }
}

/** Edits a posted storm summary so that it shows its alerts' current counts, acks and resolutions. */
export async function syncSummary(ctx: DeliveryContext, { summary, view }: LoadedSummary): Promise<Step> {
  const adapter = ctx.adapters[summary.platform];
  if (summary.syncedRevision >= summary.revision || !adapter || summary.messageId === null) return DONE;
  const slot = await ctx.pacer.take(summary.platform, summary.destination, `summary:${summary.id}`);
  if (!slot.allowed) return retryIn(slot.waitMs);
  try {
    await adapter.editSummary(summary.destination, summary.messageId, view);
    await ctx.summaries.markSummarySynced(summary.id, summary.revision);
    return DONE;
  } catch (error) {
    return afterFailedUpdate(ctx, summary, error, {
      recordAttempt: (reason) => ctx.summaries.recordSummaryAttempt(summary.id, reason),
      giveUp: async (reason) => {
        ctx.log.error({ summaryId: summary.id, reason }, 'could not update the storm summary; giving up on this update');
        await ctx.summaries.markSummarySynced(summary.id, summary.revision, reason);
      },
    });
  }
}

/** After a failed edit or reply: the failure ladder decides; the update is given up when it says fail. */
async function afterFailedUpdate(
  ctx: DeliveryContext,
  target: { platform: Platform; destination: string },
  error: unknown,
  record: { recordAttempt: (reason: string) => Promise<number>; giveUp: (reason: string) => Promise<void> },
): Promise<Step> {
  const decision = await meetFailure(failureLadderOf(ctx), target, error, record.recordAttempt);
  if (decision.kind !== 'fail') return retryIn(decision.retryInMs);
  await record.giveUp(decision.reason);
  return DONE;
}
