import { and, eq } from 'drizzle-orm';
import type { Db, Store } from '../db/store.js';
import type { SubscriptionRow } from '../db/schema.js';
import type { Platform, Severity } from '../shared/types.js';
import type { SubscriptionRule } from './route.js';

export function listSubscriptions(store: Store, db: Db = store.db): Promise<SubscriptionRule[]> {
  const { subscriptions } = store.t;
  return db.select().from(subscriptions).orderBy(subscriptions.id);
}

export async function subscriptionOf(store: Store, platform: Platform, destination: string): Promise<SubscriptionRow | undefined> {
  const { subscriptions } = store.t;
  const [found] = await store.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.platform, platform), eq(subscriptions.destination, destination)))
    .limit(1);
  return found;
}

/** Subscribes a chat, replacing what it had: one subscription per chat. */
export async function subscribe(
  store: Store,
  rule: { platform: Platform; destination: string; minSeverity: Severity; services: string[]; createdBy: string },
  now = new Date(),
): Promise<SubscriptionRow> {
  const { subscriptions } = store.t;
  const [row] = await store.transaction((tx) =>
    tx
      .insert(subscriptions)
      .values({ ...rule, createdAt: now })
      .onConflictDoUpdate({
        target: [subscriptions.platform, subscriptions.destination],
        set: { minSeverity: rule.minSeverity, services: rule.services, createdBy: rule.createdBy, createdAt: now },
      })
      .returning(),
  );
  return row!;
}

export async function unsubscribe(store: Store, platform: Platform, destination: string): Promise<boolean> {
  const { subscriptions } = store.t;
  const removed = await store.transaction((tx) =>
    tx
      .delete(subscriptions)
      .where(and(eq(subscriptions.platform, platform), eq(subscriptions.destination, destination)))
      .returning({ id: subscriptions.id }),
  );
  return removed.length > 0;
}
