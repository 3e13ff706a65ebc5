import type { Db } from '../db/store.js';
import type { Platform } from '../shared/types.js';
import { plannedByDestination } from './burst.js';
import type { DeliveryContext } from './context.js';
import type { PaceDecision } from './pacer.js';
import { postOwnMessage } from './post.js';
import { isRedisUnreachable } from '../redis/unreachable.js';
import type { DeliveryWork } from '../shared/work.js';

/**
 * Posts new deliveries from the process that accepted them, right after their commit, instead of
 * handing each to a worker through Redis first (that hop alone measured 1.5–3.5 ms).
 *
 * The intake transaction itself claims them for this process — the same claim a deliver job takes
 * before posting — so nothing else posts them while this process lives, and after a crash the
 * reconciler finds the orphaned claim and posts them. Whatever cannot go out at once (others already
 * waiting at the destination, no free slot in its pace, a failed attempt) goes back to the deliver
 * queue, which owns waiting, storm summaries and retries. A batch bigger than a destination's burst
 * is left to the queue's flush job, a platform without a client keeps its deliveries pending until it
 * is configured, and at most `limit` posts run this way at once.
 */
export class FastPath {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly ctx: DeliveryContext,
    private readonly limit: number,
    private readonly burstFor: (platform: Platform, destination: string) => number,
  ) {}

  /** Inside the intake transaction `tx`: claims the new deliveries this process will post itself. */
  async claim(tx: Db, work: DeliveryWork[]): Promise<DeliveryWork[]> {
    const claimed: DeliveryWork[] = [];
    for (const { planned, beyondBurst } of plannedByDestination(work, this.burstFor)) {
      if (beyondBurst || !this.ctx.adapters[planned[0]!.platform]) continue;
      for (const w of planned) {
        if (this.inFlight.size + claimed.length >= this.limit) return claimed;
        if (await this.ctx.store.claimForSending(w.deliveryId, this.ctx.claims.holderId, new Date(), tx)) claimed.push(w);
      }
    }
    return claimed;
  }

  /**
   * After the commit: posts what `claim` took. `decided` settles once every one of them has its slot
   * decided (its post started, or handed back to the queue); `finished` once every post is done.
   */
  run(claimed: DeliveryWork[]): { decided: Promise<unknown>; finished: Promise<unknown> } {
    const slots: Promise<PaceDecision>[] = [];
    const posts: Promise<void>[] = [];
    for (const work of claimed) {
      const slot = this.slotFor(work);
      const post = slot
        .then((decision) => (decision.allowed ? this.post(work) : this.handBack(work, decision.waitMs)))
        .catch((error: unknown) => this.recover(work, error))
        .finally(() => this.inFlight.delete(post));
      this.inFlight.add(post);
      slots.push(slot);
      posts.push(post);
    }
    return { decided: Promise.allSettled(slots), finished: Promise.allSettled(posts) };
  }

  /** Waits for the posts in flight (at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** No slot (wait 0) while others already wait at the destination (see `countWaiting`): the delivery queues behind them. */
  private async slotFor({ deliveryId, platform, destination }: DeliveryWork): Promise<PaceDecision> {
    if ((await this.ctx.store.countWaiting(platform, destination)) > 0) return { allowed: false, waitMs: 0 };
    return this.ctx.pacer.take(platform, destination, `delivery:${deliveryId}`);
  }

  private async post(work: DeliveryWork): Promise<void> {
    const row = await this.ctx.store.load(work.deliveryId);
    if (!row) return;
    const step = await postOwnMessage(this.ctx, row);
    if (!step.done) await this.ctx.followUps.delivery(work, step.retryInMs);
  }

  /** Others wait at the destination or its pace is spent: the delivery queues behind them like any other. */
  private async handBack(work: DeliveryWork, delayMs: number): Promise<void> {
    await this.ctx.store.returnToPending(work.deliveryId, this.ctx.claims.holderId);
    await this.ctx.followUps.delivery(work, delayMs);
  }

  private async recover(work: DeliveryWork, error: unknown): Promise<void> {
    const log = this.ctx.log.child({ deliveryId: work.deliveryId, platform: work.platform, destination: work.destination });
    if (isRedisUnreachable(error)) log.warn({ err: error }, 'no pace slot while Redis is unreachable; the delivery waits in SQLite for the queue');
    else log.error({ err: error }, 'posting right after intake failed; handing the delivery to the queue');
    try {
      await this.handBack(work, 0);
    } catch (again) {
      log.error({ err: again }, 'could not queue the delivery either; the reconciler will find it');
    }
  }
}
