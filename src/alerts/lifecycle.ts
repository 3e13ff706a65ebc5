import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, type AlertRow } from '../db/schema.js';
import { cancelEscalation } from '../escalation/plan.js';
import { deliveriesToSync, resolveFiring } from './message-sync.js';
import { summariesToSync } from './summaries-to-sync.js';
import type { DeliveryWork, SummaryWork } from '../shared/work.js';

export type LifecycleOutcome =
  | { outcome: 'done'; alert: AlertRow; stoppedSteps: number; work: DeliveryWork[]; summaries: SummaryWork[] }
  | { outcome: 'unknown' }
  | { outcome: 'already'; alert: AlertRow };

/** Acknowledges a firing alert: records who and when, stops its escalation, and plans the message edits. */
export function acknowledgeAlert(db: Db, alertId: number, by: string, now = new Date()): LifecycleOutcome {
  return db.transaction((tx) => {
    const alert = tx.select().from(alerts).where(eq(alerts.id, alertId)).get();
    if (!alert) return { outcome: 'unknown' };
    if (alert.ackedAt !== null || alert.status === 'resolved') return { outcome: 'already', alert };
    const updated = tx
      .update(alerts)
      .set({ ackedAt: now, ackedBy: by, revision: sql`${alerts.revision} + 1` })
      .where(eq(alerts.id, alertId))
      .returning()
      .get()!;
    const stoppedSteps = cancelEscalation(tx, alertId, `acknowledged by ${by}`, now);
    return { outcome: 'done', alert: updated, stoppedSteps, work: deliveriesToSync(tx, updated.id, updated.revision), summaries: summariesToSync(tx, updated.id) };
  });
}

/** Resolves a firing alert by hand, as a resolution from its source would. */
export function resolveAlert(db: Db, alertId: number, by: string, now = new Date()): LifecycleOutcome {
  return db.transaction((tx) => {
    const alert = tx.select().from(alerts).where(eq(alerts.id, alertId)).get();
    if (!alert) return { outcome: 'unknown' };
    if (alert.status === 'resolved') return { outcome: 'already', alert };
    const { alert: updated, stoppedSteps } = resolveFiring(tx, alertId, by, `resolved by ${by}`, now);
    return { outcome: 'done', alert: updated, stoppedSteps, work: deliveriesToSync(tx, updated.id, updated.revision), summaries: summariesToSync(tx, updated.id) };
  });
}
