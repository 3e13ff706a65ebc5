import { eq } from 'drizzle-orm';
import { resendFailedDeliveries, type ResendFilter } from '../delivery/resend.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import { alertNotFound } from './alert-change.js';
import type { ResendDeps } from './deps.js';
import type { ResendResult } from './results.js';

/** Sends failed deliveries again: reopened in the store, then handed to the deliver queues. */
export function resend(deps: ResendDeps, filter: ResendFilter, actor: Actor): Promise<ResendResult> {
  return audited(actor, async (): Promise<ResendResult> => {
    if (filter.alertId !== undefined && !(await alertExists(deps, filter.alertId))) return alertNotFound(filter.alertId);
    const { resent, message } = await resendFailedDeliveries(deps, filter);
    return { kind: 'resent', resent, message };
  });
}

async function alertExists({ store }: ResendDeps, alertId: number): Promise<boolean> {
  const { alerts } = store.t;
  return (await store.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.id, alertId))).length > 0;
}
