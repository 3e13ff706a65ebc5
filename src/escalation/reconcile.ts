import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { escalationSteps } from '../db/schema.js';
import type { WorkSink } from '../alerts/work-sink.js';
import type { EscalationConfig } from '../config/escalation-schema.js';
import { activeSilences, releaseEndedSilences } from '../routing/silences.js';

export interface EscalationReconcileReport {
  pendingSteps: number;
  activeSilences: number;
  releasedAlerts: number;
}

/**
 * Re-plans what Redis may have lost: every pending escalation step gets its delayed job again
 * (job ids make this harmless when it is still queued), every active silence its end, and alerts
 * whose silence ended while the bot was down are released now.
 */
export async function reconcileEscalations(db: Db, escalation: EscalationConfig, sink: WorkSink): Promise<EscalationReconcileReport> {
  const now = new Date();
  const released = releaseEndedSilences(db, escalation, now);
  await sink.deliveries(released.deliveries);
  const pending = db
    .select({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
    .from(escalationSteps)
    .where(eq(escalationSteps.state, 'pending'))
    .all();
  await sink.escalations(pending);
  const silences = activeSilences(db, now);
  for (const silence of silences) await sink.silenceEnd(silence);
  return { pendingSteps: pending.length, activeSilences: silences.length, releasedAlerts: released.released };
}
