import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.js';
import { preparedPerHandle } from '../db/prepared.js';
import { alerts, deliveries, type AlertRow } from '../db/schema.js';
import { cancelEscalation } from '../escalation/plan.js';
import type { DeliveryWork } from '../shared/work.js';

const p = sql.placeholder;

const statementsFor = preparedPerHandle((db) => ({
  deliveriesOf: db
    .select({ deliveryId: deliveries.id, platform: deliveries.platform, destination: deliveries.destination })
    .from(deliveries)
    .where(and(eq(deliveries.alertId, p('alertId')), inArray(deliveries.state, ['pending', 'sending', 'sent'])))
    .prepare(),
  resolve: db
    .update(alerts)
    .set({ status: 'resolved', resolvedAt: sql`${p('nowMs')}`, resolvedBy: sql`${p('by')}`, revision: sql`${alerts.revision} + 1` })
    .where(eq(alerts.id, p('id')))
    .returning()
    .prepare(),
}));

/** Every delivery of the alert that has (or is about to have) its own message gets brought up to `revision`. */
export function deliveriesToSync(db: DbOrTx, alertId: number, revision: number): DeliveryWork[] {
  return statementsFor(db)
    .deliveriesOf.all({ alertId })
    .map((d) => ({ ...d, revision, planned: false }));
}

/**
 * Marks a firing alert resolved and stops its escalation (`reason` is what the stopped steps say),
 * inside the caller's transaction; the one resolution, whether its source or a person resolves it.
 */
export function resolveFiring(db: DbOrTx, alertId: number, by: string, reason: string, now: Date): { alert: AlertRow; stoppedSteps: number } {
  const alert = statementsFor(db).resolve.get({ id: alertId, nowMs: now.getTime(), by })!;
  return { alert, stoppedSteps: cancelEscalation(db, alertId, reason, now) };
}
