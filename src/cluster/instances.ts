import { eq } from 'drizzle-orm';
import type { Store } from '../db/store.js';

/** How often each instance records that it is alive. */
export const BEAT_EVERY_MS = 5_000;
/** After how long without a beat an instance counts as lost: three beats missed. */
export const LOST_AFTER_MS = 3 * BEAT_EVERY_MS;

/** Who an instance is: its name (OPSBOT_INSTANCE), where it runs, since when, and which opsbot. */
export interface InstanceIdentity {
  name: string;
  host: string;
  pid: number;
  startedAt: Date;
  version: string;
}

export interface InstanceStatus extends InstanceIdentity {
  lastBeatAt: Date;
  /** No beat for longer than the stale limit: the instance is gone or cut off. */
  lost: boolean;
  leading: boolean;
}

export interface ClusterView {
  instances: InstanceStatus[];
  /** The holder of the live leader lease, since when it holds it and its fencing token; null when nobody leads. */
  leader: { name: string; since: Date; token: number; expiresAt: Date } | null;
}

/** The instances sharing the store, as their beats say: those beating, and those that stopped beating without leaving. */
export interface InstancesNow {
  alive: ReadonlySet<string>;
  lost: ReadonlySet<string>;
}

export function instancesNow(view: ClusterView): InstancesNow {
  const names = (lost: boolean) => new Set(view.instances.filter((i) => i.lost === lost).map((i) => i.name));
  return { alive: names(false), lost: names(true) };
}

/** Records that `instance` is alive at `now`, creating its row on its first beat, and extends its current run (opsbot's own uptime). */
export async function beat(store: Store, instance: InstanceIdentity, now = new Date()): Promise<void> {
  const { instances } = store.t;
  const { host, pid, startedAt, version } = instance;
  const { instanceRuns } = store.t;
  await store.transaction(async (tx) => {
    await tx
      .insert(instances)
      .values({ ...instance, lastBeatAt: now })
      .onConflictDoUpdate({ target: instances.name, set: { host, pid, startedAt, version, lastBeatAt: now } });
    await tx
      .insert(instanceRuns)
      .values({ instance: instance.name, startedAt, lastBeatAt: now })
      .onConflictDoUpdate({ target: [instanceRuns.instance, instanceRuns.startedAt], set: { lastBeatAt: now } });
  });
}

/** Every instance with its last beat and whether it is lost, and who leads (from the lease `leaseName`). */
export async function listInstances(store: Store, now: Date, staleAfterMs: number, leaseName = 'leader'): Promise<ClusterView> {
  const { instances, leases } = store.t;
  const rows = await store.db.select().from(instances).orderBy(instances.name);
  const [lease] = await store.db.select().from(leases).where(eq(leases.name, leaseName)).limit(1);
  const leader = lease && lease.expiresAt > now ? { name: lease.holder, since: lease.acquiredAt, token: lease.token, expiresAt: lease.expiresAt } : null;
  return {
    leader,
    instances: rows.map((row) => ({
      ...row,
      lost: now.getTime() - row.lastBeatAt.getTime() > staleAfterMs,
      leading: leader?.name === row.name,
    })),
  };
}

/** An instance that stops cleanly leaves the table, so that only one that vanished counts as lost. */
export async function leave(store: Store, name: string): Promise<void> {
  const { instances } = store.t;
  await store.transaction((tx) => tx.delete(instances).where(eq(instances.name, name)));
}
