import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, summaries, type AlertRow, type DeliveryRow, type SummaryRow } from '../db/schema.js';
import type { AlertView, Platform, SummaryView } from '../channels/types.js';
import type { Claim } from './claim-lease.js';

/** Most alerts one storm summary takes; the rest wait for the destination's next slot. */
export const SUMMARY_MAX_ALERTS = 1_000;

export interface LoadedSummary {
  summary: SummaryRow;
  view: SummaryView;
}

export interface DeliveryWithAlert {
  delivery: DeliveryRow;
  alert: AlertRow;
}

export function toAlertView(alert: AlertRow): AlertView {
  return {
    id: alert.id,
    severity: alert.severity,
    title: alert.title,
    body: alert.body,
    service: alert.service,
    labels: alert.labels,
    source: alert.source,
    link: alert.link,
    status: alert.status,
    count: alert.count,
    firedAt: alert.firedAt,
    lastSeenAt: alert.lastSeenAt,
    resolvedAt: alert.resolvedAt,
    ackedAt: alert.ackedAt,
    ackedBy: alert.ackedBy,
  };
}

const p = sql.placeholder;
const atDestination = and(
  eq(deliveries.platform, p('platform')),
  eq(deliveries.destination, p('destination')),
  eq(deliveries.state, 'pending'),
);

function prepareStatements(db: Db) {
  return {
    load: db
      .select({ delivery: deliveries, alert: alerts })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    countPending: db.select({ n: count() }).from(deliveries).where(atDestination).prepare(),
    oldestPending: db
      .select({ id: deliveries.id, createdAt: deliveries.createdAt })
      .from(deliveries)
      .where(atDestination)
      .orderBy(asc(deliveries.id))
      .limit(1)
      .prepare(),
    claimForSending: db
      .update(deliveries)
      .set({ state: 'sending', claimedAt: sql`${p('nowMs')}`, claimedBy: sql`${p('holder')}` })
      .where(and(eq(deliveries.id, p('id')), eq(deliveries.state, 'pending')))
      .prepare(),
    takeOverClaim: db
      .update(deliveries)
      .set({ claimedAt: sql`${p('nowMs')}`, claimedBy: sql`${p('holder')}` })
      .where(
        and(
          eq(deliveries.id, p('id')),
          eq(deliveries.state, 'sending'),
          sql`${deliveries.claimedAt} is ${p('previousAtMs')}`,
          sql`${deliveries.claimedBy} is ${p('previousBy')}`,
        ),
      )
      .prepare(),
    releaseClaim: db
      .update(deliveries)
      .set({ claimedAt: null, claimedBy: null })
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    returnToPending: db
      .update(deliveries)
      .set({ state: 'pending', claimedAt: null, claimedBy: null })
      .where(and(eq(deliveries.id, p('id')), eq(deliveries.state, 'sending'), eq(deliveries.claimedBy, p('holder'))))
      .prepare(),
    countSummarizable: db
      .select({ n: count() })
      .from(
        db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(atDestination)
          .limit(SUMMARY_MAX_ALERTS)
          .as('summarizable'),
      )
      .prepare(),
    insertSummary: db
      .insert(summaries)
      .values({
        platform: p('platform'),
        destination: p('destination'),
        state: 'pending',
        alertCount: p('alertCount'),
        createdAt: p('now'),
        claimedAt: p('now'),
        claimedBy: p('holder'),
      })
      .returning({ id: summaries.id })
      .prepare(),
    summarizeOldestPending: db
      .update(deliveries)
      .set({ state: 'summarized', summaryId: sql`${p('summaryId')}` })
      .where(
        sql`${deliveries.id} in (${db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(atDestination)
          .orderBy(asc(deliveries.id))
          .limit(SUMMARY_MAX_ALERTS)})`,
      )
      .prepare(),
    summary: db.select().from(summaries).where(eq(summaries.id, p('id'))).prepare(),
    summaryItems: db
      .select({
        id: alerts.id,
        severity: alerts.severity,
        title: alerts.title,
        service: alerts.service,
        status: alerts.status,
        count: alerts.count,
        ackedAt: alerts.ackedAt,
      })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.summaryId, p('summaryId')))
      .orderBy(asc(alerts.id))
      .prepare(),
    markSent: db
      .update(deliveries)
      .set({
        state: 'sent',
        messageId: sql`${p('messageId')}`,
        syncedRevision: sql`${p('revision')}`,
        sentAt: sql`${p('nowMs')}`,
        lastError: null,
      })
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    markSynced: db
      .update(deliveries)
      .set({ syncedRevision: sql`max(${deliveries.syncedRevision}, ${p('revision')})`, lastError: sql`${p('error')}` })
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    markResolveReplied: db
      .update(deliveries)
      .set({ resolveReplyId: sql`${p('replyId')}` })
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    recordAttempt: db
      .update(deliveries)
      .set({ attempts: sql`${deliveries.attempts} + 1`, lastError: sql`${p('error')}`, claimedAt: null, claimedBy: null })
      .where(eq(deliveries.id, p('id')))
      .returning({ attempts: deliveries.attempts })
      .prepare(),
    markFailed: db
      .update(deliveries)
      .set({ state: 'failed', lastError: sql`${p('error')}` })
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    markSummarySent: db
      .update(summaries)
      .set({
        state: 'sent',
        messageId: sql`${p('messageId')}`,
        sentAt: sql`${p('nowMs')}`,
        syncedRevision: sql`${p('revision')}`,
        lastError: null,
      })
      .where(eq(summaries.id, p('id')))
      .prepare(),
    markSummarySynced: db
      .update(summaries)
      .set({ syncedRevision: sql`max(${summaries.syncedRevision}, ${p('revision')})`, lastError: sql`${p('error')}` })
      .where(eq(summaries.id, p('id')))
      .prepare(),
    takeOverSummaryClaim: db
      .update(summaries)
      .set({ claimedAt: sql`${p('nowMs')}`, claimedBy: sql`${p('holder')}` })
      .where(
        and(
          eq(summaries.id, p('id')),
          eq(summaries.state, 'pending'),
          sql`${summaries.claimedAt} is ${p('previousAtMs')}`,
          sql`${summaries.claimedBy} is ${p('previousBy')}`,
        ),
      )
      .prepare(),
    releaseSummaryClaim: db
      .update(summaries)
      .set({ claimedAt: null, claimedBy: null })
      .where(eq(summaries.id, p('id')))
      .prepare(),
    recordSummaryAttempt: db
      .update(summaries)
      .set({ attempts: sql`${summaries.attempts} + 1`, lastError: sql`${p('error')}`, claimedAt: null, claimedBy: null })
      .where(eq(summaries.id, p('id')))
      .returning({ attempts: summaries.attempts })
      .prepare(),
    markSummaryFailed: db
      .update(summaries)
      .set({ state: 'failed', lastError: sql`${p('error')}` })
      .where(eq(summaries.id, p('id')))
      .prepare(),
    failSummarizedDeliveries: db
      .update(deliveries)
      .set({ state: 'failed', lastError: sql`${p('error')}` })
      .where(eq(deliveries.summaryId, p('summaryId')))
      .prepare(),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** The SQLite side of delivery: every state change of a delivery or summary row, through statements prepared once. */
export class DeliveryStore {
  private readonly statements: Statements;
  private readonly claimSummaryInTransaction: (platform: Platform, destination: string, holder: string, now: Date) => number | undefined;
  private readonly markSummaryFailedInTransaction: (summaryId: number, error: string) => void;

  constructor(db: Db) {
    const s = (this.statements = prepareStatements(db));
    this.claimSummaryInTransaction = db.$client.transaction((platform: Platform, destination: string, holder: string, now: Date) => {
      const alertCount = s.countSummarizable.get({ platform, destination })?.n ?? 0;
      if (alertCount === 0) return undefined;
      const summary = s.insertSummary.get({ platform, destination, alertCount, now, holder })!;
      s.summarizeOldestPending.run({ platform, destination, summaryId: summary.id });
      return summary.id;
    });
    this.markSummaryFailedInTransaction = db.$client.transaction((summaryId: number, error: string) => {
      s.markSummaryFailed.run({ id: summaryId, error });
      s.failSummarizedDeliveries.run({ summaryId, error: `summary #${summaryId} failed: ${error}` });
    });
  }

  load(deliveryId: number): DeliveryWithAlert | undefined {
    return this.statements.load.get({ id: deliveryId });
  }

  countPending(platform: Platform, destination: string): number {
    return this.statements.countPending.get({ platform, destination })?.n ?? 0;
  }

  oldestPending(platform: Platform, destination: string): { id: number; createdAt: Date } | undefined {
    return this.statements.oldestPending.get({ platform, destination });
  }

  /** Takes a pending delivery for an individual post; false when a summary or another worker has it. */
  claimForSending(deliveryId: number, holder: string, now = new Date()): boolean {
    return this.statements.claimForSending.run({ id: deliveryId, holder, nowMs: now.getTime() }).changes === 1;
  }

  /** Takes over the claim of a `sending` delivery, as long as it is still the claim `previous` saw. */
  takeOverClaim(deliveryId: number, previous: Claim, holder: string, now = new Date()): boolean {
    const changed = this.statements.takeOverClaim.run({
      id: deliveryId,
      holder,
      nowMs: now.getTime(),
      previousAtMs: previous.claimedAt?.getTime() ?? null,
      previousBy: previous.claimedBy,
    }).changes;
    return changed === 1;
  }

  /** Ends a post attempt that did not produce a message, so that its retry may claim the delivery again. */
  releaseClaim(deliveryId: number) {
    this.statements.releaseClaim.run({ id: deliveryId });
  }

  /** Gives back a claim taken before any post attempt, so the delivery waits (and may be summarized) like any other. */
  returnToPending(deliveryId: number, holder: string): boolean {
    return this.statements.returnToPending.run({ id: deliveryId, holder }).changes === 1;
  }

  /** Moves the destination's pending deliveries (oldest first) into a new summary claimed by `holder`, atomically. */
  claimSummary(platform: Platform, destination: string, holder: string, now = new Date()): number | undefined {
    return this.claimSummaryInTransaction(platform, destination, holder, now);
  }

  /** Takes over the claim of a pending summary, as long as it is still the claim `previous` saw. */
  takeOverSummaryClaim(summaryId: number, previous: Claim, holder: string, now = new Date()): boolean {
    const changed = this.statements.takeOverSummaryClaim.run({
      id: summaryId,
      holder,
      nowMs: now.getTime(),
      previousAtMs: previous.claimedAt?.getTime() ?? null,
      previousBy: previous.claimedBy,
    }).changes;
    return changed === 1;
  }

  releaseSummaryClaim(summaryId: number) {
    this.statements.releaseSummaryClaim.run({ id: summaryId });
  }

  loadSummary(summaryId: number): LoadedSummary | undefined {
    const summary = this.statements.summary.get({ id: summaryId });
    if (!summary) return undefined;
    const items = this.statements.summaryItems.all({ summaryId });
    return { summary, view: { id: summary.id, items, createdAt: summary.createdAt } };
  }

  markSent(deliveryId: number, messageId: string, revision: number, now = new Date()) {
    this.statements.markSent.run({ id: deliveryId, messageId, revision, nowMs: now.getTime() });
  }

  markSynced(deliveryId: number, revision: number, error: string | null = null) {
    this.statements.markSynced.run({ id: deliveryId, revision, error });
  }

  markResolveReplied(deliveryId: number, replyId: string) {
    this.statements.markResolveReplied.run({ id: deliveryId, replyId });
  }

  /** Counts a failed attempt and releases the claim; returns how many attempts the delivery has used. */
  recordAttempt(deliveryId: number, error: string): number {
    return this.statements.recordAttempt.get({ id: deliveryId, error })?.attempts ?? 0;
  }

  markFailed(deliveryId: number, error: string) {
    this.statements.markFailed.run({ id: deliveryId, error });
  }

  /** The summary is posted, showing its alerts as they were at `revision`. */
  markSummarySent(summaryId: number, messageId: string, revision: number, now = new Date()) {
    this.statements.markSummarySent.run({ id: summaryId, messageId, revision, nowMs: now.getTime() });
  }

  markSummarySynced(summaryId: number, revision: number, error: string | null = null) {
    this.statements.markSummarySynced.run({ id: summaryId, revision, error });
  }

  /** Counts a failed attempt and releases the claim; returns how many attempts the summary has used. */
  recordSummaryAttempt(summaryId: number, error: string): number {
    return this.statements.recordSummaryAttempt.get({ id: summaryId, error })?.attempts ?? 0;
  }

  markSummaryFailed(summaryId: number, error: string) {
    this.markSummaryFailedInTransaction(summaryId, error);
  }
}
