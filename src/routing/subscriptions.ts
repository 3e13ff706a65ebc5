import { eq, and } from 'drizzle-orm';
import type { Db, Tx } from '../db/open.js';
import { subscriptions, type SubscriptionRow } from '../db/schema.js';
import type { Platform, Severity } from '../shared/types.js';
import type { SubscriptionRule } from './route.js';

export function listSubscriptions(db: Db | Tx): SubscriptionRule[] {
  return db.select().from(subscriptions).all();
}

export function subscriptionOf(db: Db, platform: Platform, destination: string): SubscriptionRow | undefined {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.platform, platform), eq(subscriptions.destination, destination)))
    .get();
}

/** Subscribes a chat, replacing what it had: one subscription per chat. */
export function subscribe(
  db: Db,
  rule: { platform: Platform; destination: string; minSeverity: Severity; services: string[]; createdBy: string },
  now = new Date(),
): SubscriptionRow {
  return db
    .insert(subscriptions)
    .values({ ...rule, createdAt: now })
    .onConflictDoUpdate({
      target: [subscriptions.platform, subscriptions.destination],
      set: { minSeverity: rule.minSeverity, services: rule.services, createdBy: rule.createdBy, createdAt: now },
    })
    .returning()
    .get();
}

export function unsubscribe(db: Db, platform: Platform, destination: string): boolean {
  return (
    db
      .delete(subscriptions)
      .where(and(eq(subscriptions.platform, platform), eq(subscriptions.destination, destination)))
      .run().changes > 0
  );
}
