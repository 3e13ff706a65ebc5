import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db, Store } from '../db/store.js';
import type { AlertRow, SilenceRow } from '../db/schema.js';
import { matchesAll } from './matchers.js';

export function activeSilences(store: Store, db: Db, now: Date): Promise<SilenceRow[]> {
  const { silences } = store.t;
  return db
    .select()
    .from(silences)
    .where(and(isNull(silences.removedAt), gt(silences.endsAt, now)))
    .orderBy(silences.id);
}

export function silenceFor(active: SilenceRow[], alert: Pick<AlertRow, 'severity' | 'service' | 'labels'>): SilenceRow | undefined {
  return active.find((s) => matchesAll(s.matchers, alert));
}

export async function listActiveSilences(store: Store, now = new Date()): Promise<Array<SilenceRow & { holding: number }>> {
  const { alerts } = store.t;
  const active = await activeSilences(store, store.db, now);
  if (active.length === 0) return [];
  const held = await store.db
    .select({ silenceId: alerts.silenceId })
    .from(alerts)
    .where(and(inArray(alerts.silenceId, active.map((s) => s.id)), eq(alerts.status, 'firing')));
  return active.map((s) => ({ ...s, holding: held.filter((h) => h.silenceId === s.id).length }));
}
