import { asDeliveryError } from './errors.js';
import { backoffMs, DONE, retryIn, type DeliveryContext, type Step } from './context.js';
import { toAlertView, type DeliveryWithAlert } from './store.js';

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
      ctx.store.markSynced(delivery.id, alert.revision);
      if (needsReply) return retryIn(1);
      return DONE;
    }
    const replyId = await adapter.postResolvedReply(delivery.destination, delivery.messageId, toAlertView(alert));
    ctx.store.markResolveReplied(delivery.id, replyId);
    return DONE;
  } catch (error) {
    const failure = asDeliveryError(error);
    if (failure.kind === 'rate_limited') {
      await ctx.pacer.hold(delivery.platform, delivery.destination, failure.retryAfterMs);
      return retryIn(failure.retryAfterMs);
    }
    const attempts = failure.kind === 'permanent' ? Infinity : ctx.store.recordAttempt(delivery.id, failure.message);
    if (attempts < ctx.retry.maxAttempts) return retryIn(backoffMs(ctx.retry, attempts));
    ctx.log.error(
      { deliveryId: delivery.id, alertId: alert.id, reason: failure.message },
      'could not update the posted message; giving up on this update',
    );
    ctx.store.markSynced(delivery.id, alert.revision, failure.message);
    if (needsReply && !needsEdit) ctx.store.markResolveReplied(delivery.id, 'failed');
    return DONE;
  }
}
