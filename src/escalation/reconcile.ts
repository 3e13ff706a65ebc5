import { and, eq, lt } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import type { WorkSink } from '../shared/work.js';
import { activeSilences } from '../routing/silences.js';

export interface EscalationReconcileReport {
  pendingSteps: number;
  activeSilences: number;
}

/** A pending step this long past its due time has lost its job (a live one would have run it). */
export const OVERDUE_MS = 60_000;

/**
 * Re-plans what Redis may have lost: pending escalation steps get their delayed job again (job ids
 * make this harmless when it is still queued) — at start-up all of them, in the periodic sweep only
 * those overdue by more than a minute, so a sweep never re-sends thousands of queued jobs — and every
 * active silence its end.
 */
export async function reconcileEscalations(store: Store, sink: WorkSink, scope: 'all' | 'overdue', now = new Date()): Promise<EscalationReconcileReport> {
  const { escalationSteps } = store.t;
  const pending = await store.db
    .select({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
    .from(escalationSteps)
    .where(
      scope === 'all'
        ? eq(escalationSteps.state, 'pending')
        : and(eq(escalationSteps.state, 'pending'), lt(escalationSteps.dueAt, new Date(now.getTime() - OVERDUE_MS))),
    )
    .orderBy(escalationSteps.id);
  await sink.escalations(pending);
  const silences = await activeSilences(store, store.db, now);
  for (const silence of silences) await sink.silenceEnd(silence);
  return { pendingSteps: pending.length, activeSilences: silences.length };
}
