import { and, eq } from 'drizzle-orm';
import type { Db, Store } from '../db/store.js';
import type { AlertRow } from '../db/schema.js';
import type { EscalationConfig } from '../config/escalation-schema.js';
import { planEscalation } from '../escalation/plan.js';
import type { DeliveryWork, EscalationWork } from '../shared/work.js';

/*
 * Two things hold an alert's messages back: a silence (deliveries `silenced`, `alerts.silence_id`) and
 * an inhibition (deliveries `inhibited`, `alerts.inhibited_by`). Whichever lets go, the alert is posted
 * only when the other does not hold it too.
 */

export interface ReleasedWork {
  released: number;
  deliveries: DeliveryWork[];
  escalations: EscalationWork[];
}

export const noReleasedWork = (): ReleasedWork => ({ released: 0, deliveries: [], escalations: [] });

type HeldState = 'silenced' | 'inhibited';

/**
 * One alert let go by what held it in `from` (its own column already cleared in `alert`): its held
 * deliveries wait to be posted again and its escalation starts over from now unless it was acked. While
 * the other hold still has it, its deliveries pass to that hold instead and nothing is planned.
 */
export async function releaseHeld(store: Store, tx: Db, alert: AlertRow, from: HeldState, escalation: EscalationConfig | undefined, now: Date, work: ReleasedWork): Promise<void> {
  const { deliveries } = store.t;
  const stillHeld: HeldState | null = alert.silenceId !== null ? 'silenced' : alert.inhibitedBy !== null ? 'inhibited' : null;
  const freed = await tx
    .update(deliveries)
    .set({ state: stillHeld ?? 'pending' })
    .where(and(eq(deliveries.alertId, alert.id), eq(deliveries.state, from)))
    .returning({ id: deliveries.id, platform: deliveries.platform, destination: deliveries.destination });
  if (stillHeld) return;
  for (const { id, platform, destination } of freed.sort((a, b) => a.id - b.id)) {
    work.deliveries.push({ deliveryId: id, revision: alert.revision, platform, destination, planned: true });
  }
  const policyName = alert.route.escalation;
  const policy = policyName ? escalation?.policies[policyName] : undefined;
  if (policyName && policy && alert.ackedAt === null) {
    work.escalations.push(...(await planEscalation(store, tx, alert.id, policyName, policy, now)));
  }
  work.released++;
}
