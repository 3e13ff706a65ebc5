import { and, asc, count, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { placeholderAs, statementsPerHandle, type Db, type Store, type Tables } from '../db/store.js';
import type { AlertRow, DeliveryRow } from '../db/schema.js';
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

/** Deliveries to the destination of the statement's `platform` and `destination` placeholders. */
function sameDestination({ deliveries }: Tables) {
  return and(eq(deliveries.platform, p('platform')), eq(deliveries.destination, p('destination')));
}

/** Deliveries at the destination that no post has taken yet: a flush drains these in order. */
function atDestination(t: Tables) {
  return and(sameDestination(t), eq(t.deliveries.state, 'pending'));
}

/**
 * Deliveries at the destination that wait for a chance to be posted: the pending ones, and those back
 * from a failed or rate-limited attempt that wait for their retry (`sending`, claim released). No
 * post of theirs is in flight, so a storm summary may take them all.
 */
export function waitingAtDestination(t: Tables) {
  const { deliveries } = t;
  return and(sameDestination(t), inArray(deliveries.state, ['pending', 'sending']), or(eq(deliveries.state, 'pending'), isNull(deliveries.claimedBy)));
}

/**
 * A storm summary at the destination that is not posted yet and waits for its retry: nothing is posting
 * it right now. A route group waiting for its `groupWait` is not one: it holds only its own alerts.
 */
export function retryingAtDestination({ summaries }: Tables) {
  return and(eq(summaries.platform, p('platform')), eq(summaries.destination, p('destination')), eq(summaries.state, 'pending'), isNull(summaries.claimedBy), isNull(summaries.groupKey));
}

/** What waits at a destination, and a delivery with its alert. */
function prepareReads(db: Db, t: Tables) {
  const { alerts, deliveries, summaries } = t;
  return {
    load: db
      .select({ delivery: deliveries, alert: alerts })
      .from(deliveries)
      .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
      .where(eq(deliveries.id, p('id')))
      .prepare('delivery.load'),
    countPending: db.select({ n: count() }).from(deliveries).where(atDestination(t)).prepare('delivery.countPending'),
    countWaiting: db
      .select({ n: sql<number>`count(*) + (${db.select({ n: count() }).from(summaries).where(retryingAtDestination(t))})`.mapWith(Number) })
      .from(deliveries)
      .where(waitingAtDestination(t))
      .prepare('delivery.countWaiting'),
    oldestPending: db
      .select({ id: deliveries.id, createdAt: deliveries.createdAt })
      .from(deliveries)
      .where(atDestination(t))
      .orderBy(asc(deliveries.id))
      .limit(1)
      .prepare('delivery.oldestPending'),
  };
}

/** Who may post a delivery: claiming it, taking a stale claim over, giving a claim back. */
function prepareClaims(db: Db, { deliveries }: Tables) {
  const claimed = { claimedAt: placeholderAs(deliveries.claimedAt, 'now'), claimedBy: placeholderAs(deliveries.claimedBy, 'holder') };
  return {
    claimForSending: db
      .update(deliveries)
      .set({ state: 'sending', ...claimed })
      .where(and(eq(deliveries.id, p('id')), eq(deliveries.state, 'pending')))
      .returning({ id: deliveries.id })
      .prepare('delivery.claimForSending'),
    takeOverClaim: db
      .update(deliveries)
      .set(claimed)
      .where(
        and(
          eq(deliveries.id, p('id')),
          eq(deliveries.state, 'sending'),
          sql`${deliveries.claimedAt} is not distinct from ${placeholderAs(deliveries.claimedAt, 'previousAt')}`,
          sql`${deliveries.claimedBy} is not distinct from ${placeholderAs(deliveries.claimedBy, 'previousBy')}`,
        ),
      )
      .returning({ id: deliveries.id })
      .prepare('delivery.takeOverClaim'),
    releaseClaim: db.update(deliveries).set({ claimedAt: null, claimedBy: null }).where(eq(deliveries.id, p('id'))).prepare('delivery.releaseClaim'),
    returnToPending: db
      .update(deliveries)
      .set({ state: 'pending', claimedAt: null, claimedBy: null })
      .where(and(eq(deliveries.id, p('id')), eq(deliveries.state, 'sending'), eq(deliveries.claimedBy, p('holder'))))
      .returning({ id: deliveries.id })
      .prepare('delivery.returnToPending'),
  };
}

/** What a post, an edit or a failed attempt leaves on a delivery. */
function prepareOutcomes(db: Db, { deliveries }: Tables) {
  const revision = placeholderAs(deliveries.syncedRevision, 'revision');
  const error = placeholderAs(deliveries.lastError, 'error');
  return {
    markSent: db
      .update(deliveries)
      .set({
        state: 'sent',
        messageId: placeholderAs(deliveries.messageId, 'messageId'),
        syncedRevision: revision,
        sentAt: placeholderAs(deliveries.sentAt, 'now'),
        resolveReplyId: placeholderAs(deliveries.resolveReplyId, 'resolveReplyId'),
        lastError: null,
      })
      .where(eq(deliveries.id, p('id')))
      .prepare('delivery.markSent'),
    markSynced: db
      .update(deliveries)
      .set({ syncedRevision: sql`case when ${deliveries.syncedRevision} > ${revision} then ${deliveries.syncedRevision} else ${revision} end`, lastError: error })
      .where(eq(deliveries.id, p('id')))
      .prepare('delivery.markSynced'),
    markResolveReplied: db
      .update(deliveries)
      .set({ resolveReplyId: placeholderAs(deliveries.resolveReplyId, 'replyId') })
      .where(eq(deliveries.id, p('id')))
      .prepare('delivery.markResolveReplied'),
    recordAttempt: db
      .update(deliveries)
      .set({ attempts: sql`${deliveries.attempts} + 1`, lastError: error, claimedAt: null, claimedBy: null })
      .where(eq(deliveries.id, p('id')))
      .returning({ attempts: deliveries.attempts })
      .prepare('delivery.recordAttempt'),
    markFailed: db.update(deliveries).set({ state: 'failed', lastError: error }).where(eq(deliveries.id, p('id'))).prepare('delivery.markFailed'),
  };
}

const statementsFor = statementsPerHandle((db, t) => ({ ...prepareReads(db, t), ...prepareClaims(db, t), ...prepareOutcomes(db, t) }));

/** The store side of delivery: every state change of a delivery row, each its own transaction unless the caller's. */
export class DeliveryStore {
  constructor(private readonly store: Store) {}

  /** Each read here is one statement run at once. */
  private reads() {
    return statementsFor(this.store, this.store.instantReader());
  }

  private write<T>(work: (statements: ReturnType<typeof statementsFor>) => Promise<T>): Promise<T> {
    return this.store.transaction((tx) => work(statementsFor(this.store, tx)));
  }

  async load(deliveryId: number): Promise<DeliveryWithAlert | undefined> {
    const [found] = await this.reads().load.execute({ id: deliveryId });
    return found;
  }

  async countPending(platform: Platform, destination: string): Promise<number> {
    const [found] = await this.reads().countPending.execute({ platform, destination });
    return found?.n ?? 0;
  }

  /**
   * What waits at a destination besides what is being posted right now: deliveries pending or waiting
   * for a retry (what a storm summary would take), and storm summaries waiting for their retry (a new
   * alert there joins one of those). One statement, as the fast path asks it for every new alert.
   */
  async countWaiting(platform: Platform, destination: string): Promise<number> {
    const [found] = await this.reads().countWaiting.execute({ platform, destination });
    return found?.n ?? 0;
  }

  async oldestPending(platform: Platform, destination: string): Promise<{ id: number; createdAt: Date } | undefined> {
    const [found] = await this.reads().oldestPending.execute({ platform, destination });
    return found;
  }

  /** Takes a pending delivery for an individual post; false when a summary or another worker has it. `tx`: the caller's transaction. */
  async claimForSending(deliveryId: number, holder: string, now = new Date(), tx?: Db): Promise<boolean> {
    const claim = (statements: ReturnType<typeof statementsFor>) => statements.claimForSending.execute({ id: deliveryId, holder, now });
    const claimed = tx ? await claim(statementsFor(this.store, tx)) : await this.write(claim);
    return claimed.length === 1;
  }

  /** Takes over the claim of a `sending` delivery, as long as it is still the claim `previous` saw. */
  async takeOverClaim(deliveryId: number, previous: Claim, holder: string, now = new Date()): Promise<boolean> {
    const taken = await this.write((s) => s.takeOverClaim.execute({ id: deliveryId, holder, now, previousAt: previous.claimedAt, previousBy: previous.claimedBy }));
    return taken.length === 1;
  }

  /** Ends a post attempt that did not produce a message, so that its retry may claim the delivery again. */
  async releaseClaim(deliveryId: number): Promise<void> {
    await this.write((s) => s.releaseClaim.execute({ id: deliveryId }));
  }

  /** Gives back a claim taken before any post attempt, so the delivery waits (and may be summarized) like any other. */
  async returnToPending(deliveryId: number, holder: string): Promise<boolean> {
    return (await this.write((s) => s.returnToPending.execute({ id: deliveryId, holder }))).length === 1;
  }

  /** The delivery's own message is posted, showing `alert` as it was; one already showing the resolution needs no "resolved" reply. */
  async markSent(deliveryId: number, messageId: string, alert: Pick<AlertRow, 'revision' | 'status'>, now = new Date()): Promise<void> {
    const resolveReplyId = alert.status === 'resolved' ? RESOLVED_BEFORE_FIRST_POST : null;
    await this.write((s) => s.markSent.execute({ id: deliveryId, messageId, revision: alert.revision, resolveReplyId, now }));
  }

  async markSynced(deliveryId: number, revision: number, error: string | null = null): Promise<void> {
    await this.write((s) => s.markSynced.execute({ id: deliveryId, revision, error }));
  }

  async markResolveReplied(deliveryId: number, replyId: string): Promise<void> {
    await this.write((s) => s.markResolveReplied.execute({ id: deliveryId, replyId }));
  }

  /** Counts a failed attempt and releases the claim; returns how many attempts the delivery has used. */
  async recordAttempt(deliveryId: number, error: string): Promise<number> {
    const [recorded] = await this.write((s) => s.recordAttempt.execute({ id: deliveryId, error }));
    return recorded?.attempts ?? 0;
  }

  async markFailed(deliveryId: number, error: string): Promise<void> {
    await this.write((s) => s.markFailed.execute({ id: deliveryId, error }));
  }
}
