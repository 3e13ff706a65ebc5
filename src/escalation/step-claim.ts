import { and, eq, sql } from 'drizzle-orm';
import { placeholderAs, statementsPerHandle, type Store } from '../db/store.js';
import type { EscalationStepRow } from '../db/schema.js';
import type { ClaimLease, LeaseCheck } from '../delivery/claim-lease.js';

const p = sql.placeholder;

const statementsFor = statementsPerHandle((db, { escalationSteps }) => ({
  take: db
    .update(escalationSteps)
    .set({ claimedAt: placeholderAs(escalationSteps.claimedAt, 'now'), claimedBy: placeholderAs(escalationSteps.claimedBy, 'holder') })
    .where(
      and(
        eq(escalationSteps.id, p('id')),
        eq(escalationSteps.state, 'pending'),
        sql`${escalationSteps.claimedAt} is not distinct from ${placeholderAs(escalationSteps.claimedAt, 'previousAt')}`,
        sql`${escalationSteps.claimedBy} is not distinct from ${placeholderAs(escalationSteps.claimedBy, 'previousBy')}`,
      ),
    )
    .returning({ id: escalationSteps.id })
    .prepare('escalation.takeClaim'),
  renew: db
    .update(escalationSteps)
    .set({ claimedAt: placeholderAs(escalationSteps.claimedAt, 'now') })
    .where(and(eq(escalationSteps.id, p('id')), eq(escalationSteps.state, 'pending'), eq(escalationSteps.claimedBy, p('holder'))))
    .returning({ id: escalationSteps.id })
    .prepare('escalation.renewClaim'),
  release: db
    .update(escalationSteps)
    .set({ claimedAt: null, claimedBy: null })
    .where(and(eq(escalationSteps.id, p('id')), eq(escalationSteps.claimedBy, p('holder'))))
    .prepare('escalation.releaseClaim'),
}));

/**
 * Who takes a rung of the ladder: one process at a time, through a claim in the store like a
 * delivery's (src/delivery/claim-lease.ts). Another instance's job for the same step waits while the
 * claim is live, and takes it over when its holder is gone or the lease ran out. Before each notice
 * the holder renews its claim and stops when it was taken from it, so a paused process that wakes up
 * after a takeover does not notify the same targets again.
 */
export class StepClaims {
  constructor(
    private readonly store: Store,
    private readonly lease: ClaimLease,
  ) {}

  /** Claims the step as seen in `step`; a live claim of another run, or a lost race, says when to look again. */
  async take(step: EscalationStepRow, now = new Date()): Promise<LeaseCheck> {
    const check = this.lease.check(step, now.getTime());
    if (!check.mayTakeOver) return check;
    const taken = await this.store.transaction((tx) =>
      statementsFor(this.store, tx).take.execute({ id: step.id, now, holder: this.lease.holderId, previousAt: step.claimedAt, previousBy: step.claimedBy }),
    );
    return taken.length === 1 ? check : { mayTakeOver: false, retryInMs: 1 };
  }

  /** Whether the claim is still this process's (then renewed from now), checked before each notice. */
  async renew(stepId: number, now = new Date()): Promise<boolean> {
    const renewed = await this.store.transaction((tx) => statementsFor(this.store, tx).renew.execute({ id: stepId, now, holder: this.lease.holderId }));
    return renewed.length === 1;
  }

  /** Lets the step go before a retry, so the next run (here or on another instance) may claim it at once. */
  async release(stepId: number): Promise<void> {
    await this.store.transaction((tx) => statementsFor(this.store, tx).release.execute({ id: stepId, holder: this.lease.holderId }));
  }
}
