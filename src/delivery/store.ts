import { and, asc, count, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, summaries, type AlertRow, type DeliveryRow } from '../db/schema.js';
import type { AlertView, Platform } from '../shared/types.js';
import type { Claim } from './claim-lease.js';

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

/**
 * The `resolveReplyId` of a delivery whose first message already showed the alert resolved (it was
 * resolved while the delivery waited or after it failed and was sent again): no "resolved" reply follows.
 */
const RESOLVED_BEFORE_FIRST_POST = 'none: resolved before the first post';

const p = sql.placeholder;
const sameDestination = and(eq(deliveries.platform, p('platform')), eq(deliveries.destination, p('destination')));
/** Deliveries at the destination that no post has taken yet: a flush drains these in order. */
const atDestination = and(sameDestination, eq(deliveries.state, 'pending'));
/**
 * Deliveries at the destination that wait for a chance to be posted: the pending ones, and those back
 * from a failed or rate-limited attempt that wait for their retry (`sending`, claim released). No
 * post of theirs is in flight, so a storm summary may take them all.
 */
export const waitingAtDestination = and(
  sameDestination,
  inArray(deliveries.state, ['pending', 'sending']),
  or(eq(deliveries.state, 'pending'), isNull(deliveries.claimedBy)),
);
/** A summary at the destination that is not posted yet and waits for its retry: nothing is posting it right now. */
export const retryingAtDestination = and(
  eq(summaries.platform, p('platform')),
  eq(summaries.destination, p('destination')),
  eq(summaries.state, 'pending'),
  isNull(summaries.claimedBy),
);

/** What waits at a destination, and a delivery with its alert. */
function prepareReads(db: Db) {
  return {
    load: db
      .select({ delivery: deliveries, alert: alerts })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.id, p('id')))
      .prepare(),
    countPending: db.select({ n: count() }).from(deliveries).where(atDestination).prepare(),
    countWaiting: db
      .select({ n: sql<number>`count(*) + (${db.select({ n: count() }).from(summaries).where(retryingAtDestination)})` })
      .from(deliveries)
      .where(waitingAtDestination)
      .prepare(),
    oldestPending: db
      .select({ id: deliveries.id, createdAt: deliveries.createdAt })
      .from(deliveries)
      .where(atDestination)
      .orderBy(asc(deliveries.id))
      .limit(1)
      .prepare(),
  };
}

/** Who may post a delivery: claiming it, taking a stale claim over, giving a claim back. */
function prepareClaims(db: Db) {
  return {
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
  };
}

/** What a post, an edit or a failed attempt leaves on a delivery. */
function prepareOutcomes(db: Db) {
  return {
    markSent: db
      .update(deliveries)
      .set({
        state: 'sent',
        messageId: sql`${p('messageId')}`,
        syncedRevision: sql`${p('revision')}`,
        sentAt: sql`${p('nowMs')}`,
        resolveReplyId: sql`${p('resolveReplyId')}`,
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
  };
}

function prepareStatements(db: Db) {
  return { ...prepareReads(db), ...prepareClaims(db), ...prepareOutcomes(db) };
}

type Statements = ReturnType<typeof prepareStatements>;

/** The SQLite side of delivery: every state change of a delivery or summary row, through statements prepared once. */
export class DeliveryStore {
  private readonly statements: Statements;

  constructor(db: Db) {
    this.statements = prepareStatements(db);
  }

  load(deliveryId: number): DeliveryWithAlert | undefined {
    return this.statements.load.get({ id: deliveryId });
  }

  countPending(platform: Platform, destination: string): number {
    return this.statements.countPending.get({ platform, destination })?.n ?? 0;
  }

  /**
   * What waits at a destination besides what is being posted right now: deliveries pending or waiting
   * for a retry (what a storm summary would take), and storm summaries waiting for their retry (a new
   * alert there joins one of those). One statement, as the fast path asks it for every new alert.
   */
  countWaiting(platform: Platform, destination: string): number {
    return this.statements.countWaiting.get({ platform, destination })?.n ?? 0;
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

  /** The delivery's own message is posted, showing `alert` as it was; one already showing the resolution needs no "resolved" reply. */
  markSent(deliveryId: number, messageId: string, alert: Pick<AlertRow, 'revision' | 'status'>, now = new Date()) {
    const resolveReplyId = alert.status === 'resolved' ? RESOLVED_BEFORE_FIRST_POST : null;
    this.statements.markSent.run({ id: deliveryId, messageId, revision: alert.revision, resolveReplyId, nowMs: now.getTime() });
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
}
