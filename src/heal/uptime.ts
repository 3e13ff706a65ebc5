import { and, desc, eq, gte, isNotNull, lt, lte } from 'drizzle-orm';
import type { Store } from '../db/store.js';

/**
 * The share of [since, now] a service was up, from its events that say up or down; null when no
 * event says anything about it yet. Time before the first known state does not count.
 */
export async function uptimeRatio(store: Store, service: string, since: Date, now = new Date()): Promise<number | null> {
  const { serviceEvents } = store.t;
  const [before] = await store.db
    .select({ up: serviceEvents.up })
    .from(serviceEvents)
    .where(and(eq(serviceEvents.service, service), isNotNull(serviceEvents.up), lt(serviceEvents.at, since)))
    .orderBy(desc(serviceEvents.at), desc(serviceEvents.id))
    .limit(1);
  const changes = await store.db
    .select({ at: serviceEvents.at, up: serviceEvents.up })
    .from(serviceEvents)
    .where(and(eq(serviceEvents.service, service), isNotNull(serviceEvents.up), gte(serviceEvents.at, since), lte(serviceEvents.at, now)))
    .orderBy(serviceEvents.at, serviceEvents.id);
  let up = before?.up ?? null;
  let from = since.getTime();
  let upMs = 0;
  let knownMs = 0;
  for (const change of changes) {
    const at = change.at.getTime();
    if (up !== null) {
      knownMs += at - from;
      if (up) upMs += at - from;
    }
    up = change.up;
    from = at;
  }
  if (up !== null) {
    knownMs += now.getTime() - from;
    if (up) upMs += now.getTime() - from;
  }
  return knownMs > 0 ? upMs / knownMs : null;
}
