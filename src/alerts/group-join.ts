import { and, desc, eq, exists, inArray, sql } from 'drizzle-orm';
import type { Db, Store } from '../db/store.js';
import type { GroupJson, RouteDecisionJson } from '../db/schema.js';
import type { Platform } from '../shared/types.js';
import type { SummaryWork } from '../shared/work.js';

/*
 * Alertmanager's grouping, on the storm summaries' rows: a group is a summary with a `group_key`, one
 * per destination. It is posted `groupWait` after its first alert (everything that joined by then in
 * one message), and edited as alerts join (at most once per `groupInterval`), repeat and resolve. Once
 * every alert in it has resolved, the next one of its key opens a new message.
 */

/** New alerts' deliveries that join one destination's group. */
export interface GroupJoin {
  platform: Platform;
  destination: string;
  group: GroupJson;
  alerts: number;
}

/** The group message that takes the deliveries, and the work it needs now (none while it waits to be posted anyway). */
export interface Joined {
  summaryId: number;
  work: SummaryWork | undefined;
}

/**
 * The next time a posted group may be edited for alerts that joined it: the first whole `intervalMs`
 * since it was posted that has not passed yet, so joins within one interval share one edit.
 */
export function nextGroupEdit(sentAt: Date, intervalMs: number, now: Date): Date {
  if (intervalMs <= 0) return now;
  const intervals = Math.ceil((now.getTime() - sentAt.getTime()) / intervalMs);
  return new Date(sentAt.getTime() + Math.max(intervals, 0) * intervalMs);
}

/**
 * Holds the group's lock until the transaction ends, so that instances accepting its first alerts at
 * the same moment open one message: the second looks only once the first has committed its row.
 * SQLite runs one write transaction at a time and needs none.
 */
async function lockGroup(store: Store, tx: Db, join: GroupJoin): Promise<void> {
  if (store.dialect !== 'postgres') return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${JSON.stringify([join.platform, join.destination, join.group.key])}))`);
}

/**
 * Inside the intake transaction: the open group message of the destination and key (one with an alert
 * still firing, waiting to be posted or posted), grown by the joining alerts; or a new one, posted
 * `groupWait` from now.
 */
export async function joinGroup(store: Store, tx: Db, join: GroupJoin, now: Date): Promise<Joined> {
  const { alerts, deliveries, summaries } = store.t;
  await lockGroup(store, tx, join);
  const firingMember = tx
    .select({ one: sql`1` })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .where(and(eq(deliveries.summaryId, summaries.id), eq(alerts.status, 'firing')));
  const [open] = await tx
    .select({ id: summaries.id, state: summaries.state, sentAt: summaries.sentAt })
    .from(summaries)
    .where(
      and(
        eq(summaries.platform, join.platform),
        eq(summaries.destination, join.destination),
        eq(summaries.groupKey, join.group.key),
        inArray(summaries.state, ['pending', 'sent']),
        exists(firingMember),
      ),
    )
    .orderBy(desc(summaries.id))
    .limit(1);
  if (!open) {
    const notBefore = new Date(now.getTime() + join.group.waitMs);
    const [created] = await tx
      .insert(summaries)
      .values({ platform: join.platform, destination: join.destination, state: 'pending', alertCount: join.alerts, createdAt: now, groupKey: join.group.key, groupLabels: join.group.labels, notBefore })
      .returning({ id: summaries.id, revision: summaries.revision });
    return { summaryId: created!.id, work: { summaryId: created!.id, revision: created!.revision, platform: join.platform, notBefore } };
  }
  const grown = sql`${summaries.alertCount} + ${join.alerts}`;
  if (open.state === 'pending') {
    await tx.update(summaries).set({ alertCount: grown }).where(eq(summaries.id, open.id));
    return { summaryId: open.id, work: undefined };
  }
  const [edited] = await tx
    .update(summaries)
    .set({ alertCount: grown, revision: sql`${summaries.revision} + 1` })
    .where(eq(summaries.id, open.id))
    .returning({ revision: summaries.revision });
  const notBefore = nextGroupEdit(open.sentAt ?? now, join.group.intervalMs, now);
  return { summaryId: open.id, work: { summaryId: open.id, revision: edited!.revision, platform: join.platform, notBefore } };
}

/**
 * Inside the intake transaction: the group message each grouped destination of the new alerts joins,
 * by `alert/destination` index (`destinations` null: something holds the alert back, it joins no
 * group), and the work each group needs, carried by the first alert that joined it.
 */
export async function joinGroups(
  store: Store,
  tx: Db,
  destinations: Array<RouteDecisionJson['destinations'] | null>,
  now: Date,
): Promise<{ groupOf: Map<string, number>; work: Array<{ alert: number; work: SummaryWork }> }> {
  const joins = new Map<string, GroupJoin & { members: string[]; first: number }>();
  destinations.forEach((list, k) =>
    list?.forEach(({ platform, destination, group }, d) => {
      if (!group) return;
      const key = JSON.stringify([platform, destination, group.key]);
      const join = joins.get(key) ?? { platform, destination, group, alerts: 0, members: [], first: k };
      join.alerts++;
      join.members.push(`${k}/${d}`);
      joins.set(key, join);
    }),
  );
  const groupOf = new Map<string, number>();
  const work: Array<{ alert: number; work: SummaryWork }> = [];
  // In one order whatever the batch's, so two batches never wait on each other's group locks.
  for (const [, join] of [...joins].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const joined = await joinGroup(store, tx, join, now);
    for (const member of join.members) groupOf.set(member, joined.summaryId);
    if (joined.work) work.push({ alert: join.first, work: joined.work });
  }
  return { groupOf, work };
}
