import { eq, sql } from 'drizzle-orm';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { AlertRow } from '../db/schema.js';
import { cancelEscalation } from '../escalation/plan.js';
import { deliveriesToSync, resolveFiring } from './message-sync.js';
import { summariesToSync } from './summaries-to-sync.js';
import type { DeliveryWork, SummaryWork } from '../shared/work.js';
import { noReleasedWork, type ReleasedWork } from './hold-release.js';
import type { Inhibition } from './inhibition-hold.js';

export type LifecycleOutcome =
  | { outcome: 'done'; alert: AlertRow; stoppedSteps: number; work: DeliveryWork[]; summaries: SummaryWork[]; released: ReleasedWork }
  | { outcome: 'unknown' }
  | { outcome: 'already'; alert: AlertRow };

/** The alert, locked until the transaction ends, so that two instances cannot both change it. */
async function lockedAlert(store: Store, tx: Db, alertId: number): Promise<AlertRow | undefined> {
  const { alerts } = store.t;
  const [alert] = await forUpdate(tx.select().from(alerts).where(eq(alerts.id, alertId)));
  return alert;
}

async function doneWith(store: Store, tx: Db, alert: AlertRow, stoppedSteps: number, released = noReleasedWork()): Promise<LifecycleOutcome> {
  const work = await deliveriesToSync(store, tx, alert.id, alert.revision);
  return { outcome: 'done', alert, stoppedSteps, work, summaries: await summariesToSync(store, tx, alert.id), released };
}

/** Acknowledges a firing alert: records who and when, stops its escalation, and plans the message edits. */
export function acknowledgeAlert(store: Store, alertId: number, by: string, now = new Date()): Promise<LifecycleOutcome> {
  const { alerts } = store.t;
  return store.transaction(async (tx) => {
    const alert = await lockedAlert(store, tx, alertId);
    if (!alert) return { outcome: 'unknown' };
    if (alert.ackedAt !== null || alert.status === 'resolved') return { outcome: 'already', alert };
    const [updated] = await tx
      .update(alerts)
      .set({ ackedAt: now, ackedBy: by, revision: sql`${alerts.revision} + 1` })
      .where(eq(alerts.id, alertId))
      .returning();
    const stoppedSteps = await cancelEscalation(store, tx, alertId, `acknowledged by ${by}`, now);
    return doneWith(store, tx, updated!, stoppedSteps);
  });
}

/** Resolves a firing alert by hand, as a resolution from its source would, letting go of the alerts it inhibited. */
export function resolveAlert(store: Store, alertId: number, by: string, inhibition: Inhibition, now = new Date()): Promise<LifecycleOutcome> {
  return store.transaction(async (tx) => {
    const alert = await lockedAlert(store, tx, alertId);
    if (!alert) return { outcome: 'unknown' };
    if (alert.status === 'resolved') return { outcome: 'already', alert };
    const { alert: updated, stoppedSteps, released } = await resolveFiring(store, tx, alertId, by, `resolved by ${by}`, inhibition, now);
    return doneWith(store, tx, updated, stoppedSteps, released);
  });
}
