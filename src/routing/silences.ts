import { and, desc, eq, gt, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
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

export type SilenceState = 'active' | 'expired';

/** A silence as the API shows it: its state now, and for an active one how many firing alerts it holds. */
export type SilenceView = SilenceRow & { state: SilenceState; holding: number | null };

/** Silences by state, newest first: the active ones (with what they hold), the ended ones, or both; at most `limit`. */
export async function listSilences(store: Store, which: SilenceState | 'all', now = new Date(), limit = 100): Promise<SilenceView[]> {
  const { silences } = store.t;
  const active = which === 'expired' ? [] : (await listActiveSilences(store, now)).map((s) => ({ ...s, state: 'active' as const }));
  const ended =
    which === 'active'
      ? []
      : await store.db
          .select()
          .from(silences)
          .where(or(isNotNull(silences.removedAt), lte(silences.endsAt, now)))
          .orderBy(desc(silences.id))
          .limit(limit);
  return [...active.reverse(), ...ended.map((s) => ({ ...s, state: 'expired' as const, holding: null }))].slice(0, limit);
}

/** One silence with its state; undefined when there is none with that id. */
export async function getSilence(store: Store, id: number, now = new Date()): Promise<SilenceView | undefined> {
  const { silences } = store.t;
  const [row] = await store.db.select().from(silences).where(eq(silences.id, id));
  if (!row) return undefined;
  if (row.removedAt !== null || row.endsAt.getTime() <= now.getTime()) return { ...row, state: 'expired', holding: null };
  return (await listActiveSilences(store, now)).map((s) => ({ ...s, state: 'active' as const })).find((s) => s.id === id);
}
