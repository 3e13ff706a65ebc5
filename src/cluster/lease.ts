import { and, eq, gt, sql } from 'drizzle-orm';
import { forUpdate, type Db, type Store } from '../db/store.js';

/** A lease as one holder got it: `token` is the fencing token its writes carry. */
export interface LeaseClaim {
  name: string;
  holder: string;
  token: number;
}

/** What an attempt to take or renew a lease found: it is ours until `expiresAt`, or another's. */
export type LeaseAttempt = { held: true; token: number; expiresAt: Date } | { held: false; holder: string; expiresAt: Date };

/**
 * Takes the lease `name` for `holder` until `now + ttlMs` when it is free or expired (the fencing token
 * rises by one), or renews it when `holder` has it still (the token stays). One conditional upsert, so
 * instances racing for it on either dialect get it one at a time; a live lease of another holder is
 * left alone and reported. Expiry is judged by the caller's clock (`now`).
 */
export async function acquire(store: Store, name: string, holder: string, ttlMs: number, now = new Date()): Promise<LeaseAttempt> {
  const { leases } = store.t;
  const expiresAt = new Date(now.getTime() + ttlMs);
  const live = sql`${leases.expiresAt} > excluded.acquired_at`;
  const renewal = sql`(${leases.holder} = excluded.holder AND ${live})`;
  return store.transaction(async (tx) => {
    const [taken] = await tx
      .insert(leases)
      .values({ name, holder, token: 1, acquiredAt: now, expiresAt })
      .onConflictDoUpdate({
        target: leases.name,
        set: {
          holder,
          token: sql`CASE WHEN ${renewal} THEN ${leases.token} ELSE ${leases.token} + 1 END`,
          acquiredAt: sql`CASE WHEN ${renewal} THEN ${leases.acquiredAt} ELSE excluded.acquired_at END`,
          expiresAt,
        },
        setWhere: sql`${leases.holder} = excluded.holder OR NOT ${live}`,
      })
      .returning({ token: leases.token });
    if (taken) return { held: true, token: taken.token, expiresAt };
    const [current] = await tx
      .select({ holder: leases.holder, expiresAt: leases.expiresAt })
      .from(leases)
      .where(eq(leases.name, name))
      .limit(1);
    return { held: false, holder: current!.holder, expiresAt: current!.expiresAt };
  });
}

/** Ends a lease its holder still has, so another can take it at once; the token stays, to keep rising. */
export async function release(store: Store, claim: LeaseClaim, now = new Date()): Promise<boolean> {
  const { leases } = store.t;
  const released = await store.transaction((tx) =>
    tx
      .update(leases)
      .set({ expiresAt: now })
      .where(and(holds(store, claim), gt(leases.expiresAt, now)))
      .returning({ name: leases.name }),
  );
  return released.length > 0;
}

/**
 * Whether `claim` is still the live lease, checked inside the caller's transaction before a write that
 * only the holder may make (fencing). On PostgreSQL the lease row stays locked until that transaction
 * ends, so nobody takes the lease between the check and the commit.
 */
export async function stillHolds(store: Store, tx: Db, claim: LeaseClaim, now = new Date()): Promise<boolean> {
  const { leases } = store.t;
  const rows = await forUpdate(
    tx
      .select({ token: leases.token })
      .from(leases)
      .where(and(holds(store, claim), gt(leases.expiresAt, now))),
  );
  return rows.length > 0;
}

function holds(store: Store, claim: LeaseClaim) {
  const { leases } = store.t;
  return and(eq(leases.name, claim.name), eq(leases.holder, claim.holder), eq(leases.token, claim.token));
}
