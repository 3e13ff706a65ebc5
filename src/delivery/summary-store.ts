import { and, asc, count, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, summaries, type SummaryRow } from '../db/schema.js';
import type { Platform, SummaryView } from '../shared/types.js';
import type { Claim } from './claim-lease.js';
import { retryingAtDestination, waitingAtDestination } from './store.js';

/** Most alerts one storm summary takes; the rest wait for the destination's next slot. */
export const SUMMARY_MAX_ALERTS = 1_000;

export interface LoadedSummary {
  summary: SummaryRow;
  view: SummaryView;
}

const p = sql.placeholder;

/** Gathering what waits at a destination into a summary: the one waiting for its retry, or a new one. */
function prepareGathering(db: Db) {
  return {
    countSummarizable: db
      .select({ n: count() })
      .from(
        db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(waitingAtDestination)
          .limit(p('room'))
          .as('summarizable'),
      )
      .prepare(),
    retryingWithRoom: db
      .select({ id: summaries.id, alertCount: summaries.alertCount })
      .from(summaries)
      .where(and(retryingAtDestination, lt(summaries.alertCount, SUMMARY_MAX_ALERTS)))
      .orderBy(desc(summaries.id))
      .limit(1)
      .prepare(),
    growAndClaim: db
      .update(summaries)
      .set({ alertCount: sql`${summaries.alertCount} + ${p('added')}`, attempts: 0, claimedAt: sql`${p('nowMs')}`, claimedBy: sql`${p('holder')}` })
      .where(eq(summaries.id, p('id')))
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
          .where(waitingAtDestination)
          .orderBy(asc(deliveries.id))
          .limit(p('room'))})`,
      )
      .prepare(),
  };
}

/** A summary with its alerts. */
function prepareReads(db: Db) {
  return {
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
  };
}

/** Who may post a summary: taking a stale claim over, giving a claim back. */
function prepareClaims(db: Db) {
  return {
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
  };
}

/** What a post, an edit or a failed attempt leaves on a summary and its deliveries. */
function prepareOutcomes(db: Db) {
  return {
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

function prepareStatements(db: Db) {
  return { ...prepareGathering(db), ...prepareReads(db), ...prepareClaims(db), ...prepareOutcomes(db) };
}

type Statements = ReturnType<typeof prepareStatements>;

/** The SQLite side of storm summaries: claiming waiting deliveries into one, posting, editing, failing it. */
export class SummaryStore {
  private readonly statements: Statements;
  private readonly claimSummaryInTransaction: (platform: Platform, destination: string, holder: string, now: Date) => number | undefined;
  private readonly markSummaryFailedInTransaction: (summaryId: number, error: string) => void;

  constructor(db: Db) {
    const s = (this.statements = prepareStatements(db));
    this.claimSummaryInTransaction = db.$client.transaction((platform: Platform, destination: string, holder: string, now: Date) => {
      const retrying = s.retryingWithRoom.get({ platform, destination });
      const room = SUMMARY_MAX_ALERTS - (retrying?.alertCount ?? 0);
      const added = s.countSummarizable.get({ platform, destination, room })?.n ?? 0;
      if (added === 0) return undefined;
      let summaryId: number;
      if (retrying) {
        summaryId = retrying.id;
        s.growAndClaim.run({ id: summaryId, added, nowMs: now.getTime(), holder });
      } else {
        summaryId = s.insertSummary.get({ platform, destination, alertCount: added, now, holder })!.id;
      }
      s.summarizeOldestPending.run({ platform, destination, summaryId, room });
      return summaryId;
    });
    this.markSummaryFailedInTransaction = db.$client.transaction((summaryId: number, error: string) => {
      s.markSummaryFailed.run({ id: summaryId, error });
      s.failSummarizedDeliveries.run({ summaryId, error: `summary #${summaryId} failed: ${error}` });
    });
  }

  /**
   * Moves what waits at the destination (oldest first, pending or waiting for a retry) into a summary
   * claimed by `holder`, atomically: into the summary there that waits for its own retry when there is
   * one (so alerts piling up behind an outage all come back in one message), else into a new one. A
   * summary that takes new alerts counts its attempts from zero again, so that an alert that joins it
   * late gets every retry it would have had on its own before the summary gives up.
   */
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
