import { and, eq, inArray, sql } from 'drizzle-orm';
import { placeholderAs, statementsPerHandle, type Db, type Store } from '../db/store.js';
import type { AlertRow } from '../db/schema.js';
import { cancelEscalation } from '../escalation/plan.js';
import type { DeliveryWork } from '../shared/work.js';
import type { ReleasedWork } from './hold-release.js';
import { releaseInhibitedBy, type Inhibition } from './inhibition-hold.js';

const p = sql.placeholder;

const statementsFor = statementsPerHandle((db, { alerts, deliveries }) => ({
  deliveriesOf: db
    .select({ deliveryId: deliveries.id, platform: deliveries.platform, destination: deliveries.destination })
    .from(deliveries)
    .where(and(eq(deliveries.alertId, p('alertId')), inArray(deliveries.state, ['pending', 'sending', 'sent'])))
    .orderBy(deliveries.id)
    .prepare('alerts.deliveriesToSync'),
  resolve: db
    .update(alerts)
    .set({ status: 'resolved', resolvedAt: placeholderAs(alerts.resolvedAt, 'now'), resolvedBy: placeholderAs(alerts.resolvedBy, 'by'), revision: sql`${alerts.revision} + 1` })
    .where(eq(alerts.id, p('id')))
    .returning()
    .prepare('alerts.resolve'),
}));

/** Every delivery of the alert that has (or is about to have) its own message gets brought up to `revision`. */
export async function deliveriesToSync(store: Store, db: Db, alertId: number, revision: number): Promise<DeliveryWork[]> {
  const found = await statementsFor(store, db).deliveriesOf.execute({ alertId });
  return found.map((d) => ({ ...d, revision, planned: false }));
}

/**
 * Marks a firing alert resolved and stops its escalation (`reason` is what the stopped steps say),
 * inside the caller's transaction `tx`; the one resolution, whether its source or a person resolves it.
 * The alerts it inhibited are let go in the same transaction (`released`: their work to hand on).
 */
export async function resolveFiring(
  store: Store,
  tx: Db,
  alertId: number,
  by: string,
  reason: string,
  inhibition: Inhibition,
  now: Date,
): Promise<{ alert: AlertRow; stoppedSteps: number; released: ReleasedWork }> {
  const [alert] = await statementsFor(store, tx).resolve.execute({ id: alertId, now, by });
  const stoppedSteps = await cancelEscalation(store, tx, alertId, reason, now);
  return { alert: alert!, stoppedSteps, released: await releaseInhibitedBy(store, tx, alertId, inhibition, now) };
}
