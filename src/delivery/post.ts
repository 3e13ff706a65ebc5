import { DONE, failureLadderOf, retryIn, type DeliveryContext, type Step } from './context.js';
import { meetFailure } from './failure-ladder.js';
import type { SummaryRow } from '../db/schema.js';
import { toAlertView, type DeliveryWithAlert } from './store.js';
import { syncDelivery, syncSummary } from './sync.js';
import type { Platform } from '../shared/types.js';
import { EARLIER_COPY_REVISION, mayBeEarlierCopy, repeatKeys } from './repeat-keys.js';

/**
 * An alert that has waited this long for a slot (the destination's pace or the platform's bot-wide
 * budget cannot keep up) is folded into a summary with the others waiting for its destination.
 */
export const FOLD_AFTER_WAITING_MS = 3_000;

function shouldFold(othersWaiting: number, remaining: number, waitingSince: Date): boolean {
  return othersWaiting > remaining || (othersWaiting > 0 && Date.now() - waitingSince.getTime() >= FOLD_AFTER_WAITING_MS);
}

/** Runs one delivery job: post the alert's own message, fold it into a storm summary, or sync an edit. */
export async function processDelivery(ctx: DeliveryContext, deliveryId: number): Promise<Step> {
  const row = await ctx.store.load(deliveryId);
  if (!row || !ctx.adapters[row.delivery.platform]) return DONE;
  switch (row.delivery.state) {
    case 'pending':
      return postPending(ctx, row);
    case 'sending':
      return postClaimed(ctx, row);
    case 'sent':
      return syncDelivery(ctx, row);
    default:
      return DONE;
  }
}

async function postPending(ctx: DeliveryContext, row: DeliveryWithAlert): Promise<Step> {
  const { platform, destination } = row.delivery;
  const slot = await ctx.pacer.take(platform, destination, `delivery:${row.delivery.id}`);
  if (!slot.allowed) return retryIn(slot.waitMs);
  const othersWaiting = (await ctx.store.countWaiting(platform, destination)) - 1;
  if (shouldFold(othersWaiting, slot.remaining, row.delivery.createdAt)) {
    await sendNewSummary(ctx, platform, destination);
    return DONE;
  }
  if (!(await ctx.store.claimForSending(row.delivery.id, ctx.claims.holderId))) return DONE;
  return postOwnMessage(ctx, row);
}

/**
 * A delivery already claimed for its own message: a retry after a failed attempt, work found after a
 * crash, or a second run of a job whose first run is still posting. Only the first two post. A retry
 * (its claim released after the failed attempt) is folded into a summary like a pending delivery when
 * others wait at the destination, so alerts that piled up behind an outage come back as one message;
 * a claim a crashed process left may have posted already, so that delivery is never folded.
 */
async function postClaimed(ctx: DeliveryContext, row: DeliveryWithAlert): Promise<Step> {
  const lease = ctx.claims.check(row.delivery);
  if (!lease.mayTakeOver) return retryIn(lease.retryInMs);
  const { platform, destination } = row.delivery;
  const slot = await ctx.pacer.take(platform, destination, `delivery:${row.delivery.id}`);
  if (!slot.allowed) return retryIn(slot.waitMs);
  if (row.delivery.claimedBy === null && shouldFold((await ctx.store.countWaiting(platform, destination)) - 1, slot.remaining, row.delivery.createdAt)) {
    await sendNewSummary(ctx, platform, destination);
    return DONE;
  }
  if (!(await ctx.store.takeOverClaim(row.delivery.id, row.delivery, ctx.claims.holderId))) return retryIn(1);
  return postOwnMessage(ctx, row);
}

export async function postOwnMessage(ctx: DeliveryContext, row: DeliveryWithAlert): Promise<Step> {
  const { delivery, alert } = row;
  const adapter = ctx.adapters[delivery.platform]!;
  let messageId: string;
  try {
    messageId = await adapter.postAlert(delivery.destination, toAlertView(alert), repeatKeys.delivery(delivery));
  } catch (error) {
    return handlePostFailure(ctx, row, error);
  }
  const takenOver = delivery.claimedBy !== null && delivery.claimedBy !== ctx.claims.holderId;
  const shown = mayBeEarlierCopy(adapter, delivery, takenOver) ? { ...alert, revision: EARLIER_COPY_REVISION } : alert;
  await ctx.store.markSent(delivery.id, messageId, shown);
  ctx.hooks?.sent?.(delivery.id, delivery.platform, alert.acceptedAt);
  ctx.hooks?.platformAnswered?.(delivery.platform);
  const fresh = await ctx.store.load(delivery.id);
  return fresh ? syncDelivery(ctx, fresh) : DONE;
}

async function handlePostFailure(ctx: DeliveryContext, row: DeliveryWithAlert, error: unknown): Promise<Step> {
  const { id, platform, destination } = row.delivery;
  const log = ctx.log.child({ deliveryId: id, alertId: row.alert.id, platform, destination });
  const decision = await meetFailure(failureLadderOf(ctx), row.delivery, error, (reason) => ctx.store.recordAttempt(id, reason));
  switch (decision.kind) {
    case 'hold':
      log.warn({ retryAfterMs: decision.retryInMs }, 'rate limited by the platform; waiting');
      await ctx.store.releaseClaim(id);
      return retryIn(decision.retryInMs);
    case 'retry':
      log.warn({ attempts: decision.attempts, retryInMs: Math.round(decision.retryInMs), reason: decision.reason }, 'delivery attempt failed; retrying');
      return retryIn(decision.retryInMs);
    case 'fail':
      if (decision.attempts === null) {
        log.error({ reason: decision.reason }, 'delivery failed: the platform refused it');
        await ctx.store.markFailed(id, decision.reason);
      } else {
        log.error({ attempts: decision.attempts, reason: decision.reason }, 'delivery failed after the last attempt');
        await ctx.store.markFailed(id, `${decision.reason} (after ${decision.attempts} attempts)`);
      }
      return DONE;
  }
}

/** Claims what waits for the destination into one summary and posts it on the slot already taken. */
export async function sendNewSummary(ctx: DeliveryContext, platform: Platform, destination: string): Promise<void> {
  const summaryId = await ctx.summaries.claimSummary(platform, destination, ctx.claims.holderId);
  if (summaryId === undefined) return;
  ctx.log.info({ summaryId, platform, destination }, 'storm: combining waiting alerts into one summary');
  const step = await postSummary(ctx, summaryId);
  if (!step.done) await ctx.followUps.summary({ summaryId, platform }, step.retryInMs);
}

/**
 * Runs one summary job: a retry, a summary found by the reconciler, or an edit after one of its
 * alerts changed. A post runs under the same claim lease as a delivery: a summary whose first post
 * may still be in flight is left alone until its lease ends.
 */
export async function processSummary(ctx: DeliveryContext, summaryId: number): Promise<Step> {
  const loaded = await ctx.summaries.loadSummary(summaryId);
  if (loaded?.summary.state === 'sent') return syncSummary(ctx, loaded);
  if (!loaded || loaded.summary.state !== 'pending') return DONE;
  const waitMs = (loaded.summary.notBefore?.getTime() ?? 0) - Date.now();
  if (waitMs > 0) return retryIn(waitMs);
  const lease = ctx.claims.check(loaded.summary);
  if (!lease.mayTakeOver) return retryIn(lease.retryInMs);
  const slot = await ctx.pacer.take(loaded.summary.platform, loaded.summary.destination, `summary:${summaryId}`);
  if (!slot.allowed) return retryIn(slot.waitMs);
  if (!(await ctx.summaries.takeOverSummaryClaim(summaryId, loaded.summary, ctx.claims.holderId))) return retryIn(1);
  return postSummary(ctx, summaryId, loaded.summary.claimedBy !== null);
}

/**
 * Posts a claimed summary. One that may have come back as an earlier attempt's message
 * (`mayBeEarlierCopy`; `takenOver`: its claim was taken from a holder that may have posted it) is
 * recorded as showing no revision and edited up to date at once.
 */
async function postSummary(ctx: DeliveryContext, summaryId: number, takenOver = false): Promise<Step> {
  const loaded = await ctx.summaries.loadSummary(summaryId);
  if (!loaded || loaded.summary.state !== 'pending') return DONE;
  const { platform, destination } = loaded.summary;
  const adapter = ctx.adapters[platform];
  if (!adapter) return DONE;
  try {
    const messageId = await adapter.postSummary(destination, loaded.view, repeatKeys.summary(loaded.summary));
    const earlierCopy = mayBeEarlierCopy(adapter, loaded.summary, takenOver);
    await ctx.summaries.markSummarySent(summaryId, messageId, earlierCopy ? EARLIER_COPY_REVISION : loaded.summary.revision);
    ctx.hooks?.platformAnswered?.(platform);
    const sent = earlierCopy ? await ctx.summaries.loadSummary(summaryId) : undefined;
    return sent ? syncSummary(ctx, sent) : DONE;
  } catch (error) {
    return handleSummaryFailure(ctx, loaded.summary, error);
  }
}

async function handleSummaryFailure(ctx: DeliveryContext, summary: SummaryRow, error: unknown): Promise<Step> {
  const { id: summaryId, platform, destination } = summary;
  const decision = await meetFailure(failureLadderOf(ctx), summary, error, (reason) => ctx.summaries.recordSummaryAttempt(summaryId, reason));
  const log = ctx.log.child({ summaryId, platform, destination });
  switch (decision.kind) {
    case 'hold':
      await ctx.summaries.releaseSummaryClaim(summaryId);
      return retryIn(decision.retryInMs);
    case 'retry':
      log.warn({ attempts: decision.attempts, reason: decision.reason }, 'summary attempt failed; retrying');
      return retryIn(decision.retryInMs);
    case 'fail':
      log.error({ reason: decision.reason }, 'summary failed; its alerts are marked failed');
      await ctx.summaries.markSummaryFailed(summaryId, decision.reason);
      return DONE;
  }
}

/**
 * Runs a destination's flush job: drains what waits for it, one slot at a time. Only the flush job
 * that owns the destination drains it; the owner keeps it while it waits for a slot and lets go only
 * after finding nothing left, looking once more after letting go for work that came in meanwhile.
 */
export async function processFlush(ctx: DeliveryContext, platform: Platform, destination: string, owner: string): Promise<Step> {
  if (!ctx.adapters[platform]) return DONE;
  const own = (wakeInMs = 0) => ctx.flushes.acquire(platform, destination, owner, wakeInMs);
  if (!(await own())) return DONE;
  for (;;) {
    const waiting = await ctx.store.countPending(platform, destination);
    if (waiting === 0) {
      await ctx.flushes.release(platform, destination, owner);
      if ((await ctx.store.countPending(platform, destination)) === 0 || !(await own())) return DONE;
      continue;
    }
    const slot = await ctx.pacer.take(platform, destination, `flush:${owner}`);
    if (!slot.allowed) {
      await own(slot.waitMs);
      return retryIn(slot.waitMs);
    }
    const oldest = await ctx.store.oldestPending(platform, destination);
    if (oldest === undefined) continue;
    if (shouldFold((await ctx.store.countWaiting(platform, destination)) - 1, slot.remaining, oldest.createdAt)) {
      await sendNewSummary(ctx, platform, destination);
      continue;
    }
    if (!(await ctx.store.claimForSending(oldest.id, ctx.claims.holderId))) continue;
    const row = await ctx.store.load(oldest.id);
    if (!row) continue;
    const step = await postOwnMessage(ctx, row);
    if (!step.done) await ctx.followUps.delivery({ deliveryId: oldest.id, revision: row.alert.revision, platform }, step.retryInMs);
  }
}
