import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { placeholderAs, statementsPerHandle, type Db, type Store, type Tables } from '../db/store.js';
import type { SummaryRow } from '../db/schema.js';
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
function prepareGathering(db: Db, t: Tables) {
  const { deliveries, summaries } = t;
  return {
    countSummarizable: db
      .select({ n: count() })
      .from(db.select({ id: deliveries.id }).from(deliveries).where(waitingAtDestination(t)).limit(p('room')).as('summarizable'))
      .prepare('summary.countSummarizable'),
    retryingWithRoom: db
      .select({ id: summaries.id, alertCount: summaries.alertCount })
      .from(summaries)
      .where(and(retryingAtDestination(t), lt(summaries.alertCount, SUMMARY_MAX_ALERTS)))
      .orderBy(desc(summaries.id))
      .limit(1)
      .prepare('summary.retryingWithRoom'),
    growAndClaim: db
      .update(summaries)
      .set({
        alertCount: sql`${summaries.alertCount} + ${placeholderAs(summaries.alertCount, 'added')}`,
        attempts: 0,
        claimedAt: placeholderAs(summaries.claimedAt, 'now'),
        claimedBy: placeholderAs(summaries.claimedBy, 'holder'),
      })
      .where(eq(summaries.id, p('id')))
      .prepare('summary.growAndClaim'),
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
      .prepare('summary.insert'),
    summarizeOldestPending: db
      .update(deliveries)
      .set({ state: 'summarized', summaryId: placeholderAs(deliveries.summaryId, 'summaryId') })
      .where(
        and(
          waitingAtDestination(t),
          inArray(deliveries.id, db.select({ id: deliveries.id }).from(deliveries).where(waitingAtDestination(t)).orderBy(asc(deliveries.id)).limit(p('room'))),
        ),
      )
      .prepare('summary.summarizeOldestPending'),
  };
}

/** A summary with its alerts. */
function prepareReads(db: Db, { alerts, deliveries, summaries }: Tables) {
  return {
    summary: db.select().from(summaries).where(eq(summaries.id, p('id'))).prepare('summary.load'),
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
      .prepare('summary.items'),
  };
}

/** Who may post a summary: taking a stale claim over, giving a claim back. */
function prepareClaims(db: Db, { summaries }: Tables) {
  return {
    takeOverSummaryClaim: db
      .update(summaries)
      .set({ claimedAt: placeholderAs(summaries.claimedAt, 'now'), claimedBy: placeholderAs(summaries.claimedBy, 'holder') })
      .where(
        and(
          eq(summaries.id, p('id')),
          eq(summaries.state, 'pending'),
          sql`${summaries.claimedAt} is not distinct from ${placeholderAs(summaries.claimedAt, 'previousAt')}`,
          sql`${summaries.claimedBy} is not distinct from ${placeholderAs(summaries.claimedBy, 'previousBy')}`,
        ),
      )
      .returning({ id: summaries.id })
      .prepare('summary.takeOverClaim'),
    releaseSummaryClaim: db.update(summaries).set({ claimedAt: null, claimedBy: null }).where(eq(summaries.id, p('id'))).prepare('summary.releaseClaim'),
  };
}

/** What a post, an edit or a failed attempt leaves on a summary and its deliveries. */
function prepareOutcomes(db: Db, { deliveries, summaries }: Tables) {
  const revision = placeholderAs(summaries.syncedRevision, 'revision');
  const error = placeholderAs(summaries.lastError, 'error');
  return {
    markSummarySent: db
      .update(summaries)
      .set({ state: 'sent', messageId: placeholderAs(summaries.messageId, 'messageId'), sentAt: placeholderAs(summaries.sentAt, 'now'), syncedRevision: revision, lastError: null })
      .where(eq(summaries.id, p('id')))
      .prepare('summary.markSent'),
    markSummarySynced: db
      .update(summaries)
      .set({ syncedRevision: sql`case when ${summaries.syncedRevision} > ${revision} then ${summaries.syncedRevision} else ${revision} end`, lastError: error })
      .where(eq(summaries.id, p('id')))
      .prepare('summary.markSynced'),
    recordSummaryAttempt: db
      .update(summaries)
      .set({ attempts: sql`${summaries.attempts} + 1`, lastError: error, claimedAt: null, claimedBy: null })
      .where(eq(summaries.id, p('id')))
      .returning({ attempts: summaries.attempts })
      .prepare('summary.recordAttempt'),
    markSummaryFailed: db.update(summaries).set({ state: 'failed', lastError: error }).where(eq(summaries.id, p('id'))).prepare('summary.markFailed'),
    failSummarizedDeliveries: db
      .update(deliveries)
      .set({ state: 'failed', lastError: placeholderAs(deliveries.lastError, 'error') })
      .where(eq(deliveries.summaryId, p('summaryId')))
      .prepare('summary.failDeliveries'),
  };
}

const statementsFor = statementsPerHandle((db, t) => ({ ...prepareGathering(db, t), ...prepareReads(db, t), ...prepareClaims(db, t), ...prepareOutcomes(db, t) }));
type Statements = ReturnType<typeof statementsFor>;

/** The store side of storm summaries: claiming waiting deliveries into one, posting, editing, failing it. */
export class SummaryStore {
  constructor(private readonly store: Store) {}

  private write<T>(work: (statements: Statements) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => work(statementsFor(this.store, tx)));
  }

  /**
   * Moves what waits at the destination (oldest first, pending or waiting for a retry) into a summary
   * claimed by `holder`, atomically: into the summary there that waits for its own retry when there is
   * one (so alerts piling up behind an outage all come back in one message), else into a new one. A
   * summary that takes new alerts counts its attempts from zero again, so that an alert that joins it
   * late gets every retry it would have had on its own before the summary gives up.
   */
  claimSummary(platform: Platform, destination: string, holder: string, now = new Date()): Promise<number | undefined> {
    return this.write(async (s) => {
      const [retrying] = await s.retryingWithRoom.execute({ platform, destination });
      const room = SUMMARY_MAX_ALERTS - (retrying?.alertCount ?? 0);
      const [summarizable] = await s.countSummarizable.execute({ platform, destination, room });
      const added = summarizable?.n ?? 0;
      if (added === 0) return undefined;
      let summaryId: number;
      if (retrying) {
        summaryId = retrying.id;
        await s.growAndClaim.execute({ id: summaryId, added, now, holder });
      } else {
        const [inserted] = await s.insertSummary.execute({ platform, destination, alertCount: added, now, holder });
        summaryId = inserted!.id;
      }
      await s.summarizeOldestPending.execute({ platform, destination, summaryId, room });
      return summaryId;
    });
  }

  /** Takes over the claim of a pending summary, as long as it is still the claim `previous` saw. */
  async takeOverSummaryClaim(summaryId: number, previous: Claim, holder: string, now = new Date()): Promise<boolean> {
    const taken = await this.write((s) => s.takeOverSummaryClaim.execute({ id: summaryId, holder, now, previousAt: previous.claimedAt, previousBy: previous.claimedBy }));
    return taken.length === 1;
  }

  async releaseSummaryClaim(summaryId: number): Promise<void> {
    await this.write((s) => s.releaseSummaryClaim.execute({ id: summaryId }));
  }

  async loadSummary(summaryId: number): Promise<LoadedSummary | undefined> {
    const reads = statementsFor(this.store, this.store.db);
    const [summary] = await reads.summary.execute({ id: summaryId });
    if (!summary) return undefined;
    const items = await reads.summaryItems.execute({ summaryId });
    return { summary, view: { id: summary.id, items, createdAt: summary.createdAt, ...(summary.groupLabels ? { group: summary.groupLabels } : {}) } };
  }

  /** The summary is posted, showing its alerts as they were at `revision`. */
  async markSummarySent(summaryId: number, messageId: string, revision: number, now = new Date()): Promise<void> {
    await this.write((s) => s.markSummarySent.execute({ id: summaryId, messageId, revision, now }));
  }

  async markSummarySynced(summaryId: number, revision: number, error: string | null = null): Promise<void> {
    await this.write((s) => s.markSummarySynced.execute({ id: summaryId, revision, error }));
  }

  /** Counts a failed attempt and releases the claim; returns how many attempts the summary has used. */
  async recordSummaryAttempt(summaryId: number, error: string): Promise<number> {
    const [recorded] = await this.write((s) => s.recordSummaryAttempt.execute({ id: summaryId, error }));
    return recorded?.attempts ?? 0;
  }

  async markSummaryFailed(summaryId: number, error: string): Promise<void> {
    await this.write(async (s) => {
      await s.markSummaryFailed.execute({ id: summaryId, error });
      await s.failSummarizedDeliveries.execute({ summaryId, error: `summary #${summaryId} failed: ${error}` });
    });
  }
}
