import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/open.js';
import { alerts, silences, type AlertRow, type SilenceRow } from '../db/schema.js';
import { matchesAll } from './matchers.js';

export function activeSilences(db: DbOrTx, now: Date): SilenceRow[] {
  return db
    .select()
    .from(silences)
    .where(and(isNull(silences.removedAt), gt(silences.endsAt, now)))
    .all();
}

export function silenceFor(active: SilenceRow[], alert: Pick<AlertRow, 'severity' | 'service' | 'labels'>): SilenceRow | undefined {
  return active.find((s) => matchesAll(s.matchers, alert));
}

export function listActiveSilences(db: Db, now = new Date()): Array<SilenceRow & { holding: number }> {
  const active = activeSilences(db, now);
  if (active.length === 0) return [];
  const held = db
    .select({ silenceId: alerts.silenceId })
    .from(alerts)
    .where(and(inArray(alerts.silenceId, active.map((s) => s.id)), eq(alerts.status, 'firing')))
    .all();
  return active.map((s) => ({ ...s, holding: held.filter((h) => h.silenceId === s.id).length }));
}
