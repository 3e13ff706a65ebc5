import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, summaries, type AlertRow, type DeliveryRow, type SummaryRow } from '../db/schema.js';
import type { AlertView, Platform, SummaryView } from '../channels/types.js';

/** Most alerts one storm summary takes; the rest wait for the destination's next slot. */
export const SUMMARY_MAX_ALERTS = 1_000;

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

/** The SQLite side of delivery: every state change of a delivery or summary row. */
export class DeliveryStore {
  constructor(private readonly db: Db) {}

  load(deliveryId: number): DeliveryWithAlert | undefined {
    const row = this.db
      .select({ delivery: deliveries, alert: alerts })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.id, deliveryId))
      .get();
    return row;
  }

  countPending(platform: Platform, destination: string): number {
    const row = this.db
      .select({ n: count() })
      .from(deliveries)
      .where(
        and(eq(deliveries.platform, platform), eq(deliveries.destination, destination), eq(deliveries.state, 'pending')),
      )
      .get();
    return row?.n ?? 0;
  }

  oldestPending(platform: Platform, destination: string): number | undefined {
    return this.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(eq(deliveries.platform, platform), eq(deliveries.destination, destination), eq(deliveries.state, 'pending')),
      )
      .orderBy(asc(deliveries.id))
      .limit(1)
      .get()?.id;
  }

  /** Takes a pending delivery for an individual post; false when a summary or another worker has it. */
  claimForSending(deliveryId: number): boolean {
    const changed = this.db
      .update(deliveries)
      .set({ state: 'sending' })
      .where(and(eq(deliveries.id, deliveryId), eq(deliveries.state, 'pending')))
      .run().changes;
    return changed === 1;
  }

  /** Moves the destination's pending deliveries (oldest first) into a new summary, atomically. */
  claimSummary(platform: Platform, destination: string, now = new Date()): number | undefined {
    return this.db.transaction((tx) => {
      const ids = tx
        .select({ id: deliveries.id })
        .from(deliveries)
        .where(
          and(eq(deliveries.platform, platform), eq(deliveries.destination, destination), eq(deliveries.state, 'pending')),
        )
        .orderBy(asc(deliveries.id))
        .limit(SUMMARY_MAX_ALERTS)
        .all()
        .map((r) => r.id);
      if (ids.length === 0) return undefined;
      const summary = tx
        .insert(summaries)
        .values({ platform, destination, state: 'pending', alertCount: ids.length, createdAt: now })
        .returning({ id: summaries.id })
        .get();
      tx.update(deliveries)
        .set({ state: 'summarized', summaryId: summary.id })
        .where(inArray(deliveries.id, ids))
        .run();
      return summary.id;
    });
  }

  loadSummary(summaryId: number): { summary: SummaryRow; view: SummaryView } | undefined {
    const summary = this.db.select().from(summaries).where(eq(summaries.id, summaryId)).get();
    if (!summary) return undefined;
    const items = this.db
      .select({ id: alerts.id, severity: alerts.severity, title: alerts.title, service: alerts.service })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.summaryId, summaryId))
      .orderBy(asc(alerts.id))
      .all();
    return { summary, view: { id: summary.id, items, createdAt: summary.createdAt } };
  }

  markSent(deliveryId: number, messageId: string, revision: number, now = new Date()) {
    this.db
      .update(deliveries)
      .set({ state: 'sent', messageId, syncedRevision: revision, sentAt: now, lastError: null })
      .where(eq(deliveries.id, deliveryId))
      .run();
  }

  markSynced(deliveryId: number, revision: number, error: string | null = null) {
    this.db
      .update(deliveries)
      .set({ syncedRevision: sql`max(${deliveries.syncedRevision}, ${revision})`, lastError: error })
      .where(eq(deliveries.id, deliveryId))
      .run();
  }

  markResolveReplied(deliveryId: number, replyId: string) {
    this.db.update(deliveries).set({ resolveReplyId: replyId }).where(eq(deliveries.id, deliveryId)).run();
  }

  /** Counts a failed attempt; returns how many attempts the delivery has used. */
  recordAttempt(deliveryId: number, error: string): number {
    const row = this.db
      .update(deliveries)
      .set({ attempts: sql`${deliveries.attempts} + 1`, lastError: error })
      .where(eq(deliveries.id, deliveryId))
      .returning({ attempts: deliveries.attempts })
      .get();
    return row?.attempts ?? 0;
  }

  markFailed(deliveryId: number, error: string) {
    this.db.update(deliveries).set({ state: 'failed', lastError: error }).where(eq(deliveries.id, deliveryId)).run();
  }

  markSummarySent(summaryId: number, messageId: string, now = new Date()) {
    this.db
      .update(summaries)
      .set({ state: 'sent', messageId, sentAt: now, lastError: null })
      .where(eq(summaries.id, summaryId))
      .run();
  }

  recordSummaryAttempt(summaryId: number, error: string): number {
    const row = this.db
      .update(summaries)
      .set({ attempts: sql`${summaries.attempts} + 1`, lastError: error })
      .where(eq(summaries.id, summaryId))
      .returning({ attempts: summaries.attempts })
      .get();
    return row?.attempts ?? 0;
  }

  markSummaryFailed(summaryId: number, error: string) {
    this.db.transaction((tx) => {
      tx.update(summaries).set({ state: 'failed', lastError: error }).where(eq(summaries.id, summaryId)).run();
      tx.update(deliveries)
        .set({ state: 'failed', lastError: `summary #${summaryId} failed: ${error}` })
        .where(eq(deliveries.summaryId, summaryId))
        .run();
    });
  }
}
