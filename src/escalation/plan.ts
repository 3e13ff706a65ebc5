import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.js';
import { escalationSteps } from '../db/schema.js';
import type { EscalationPolicy } from '../config/escalation-schema.js';

/** An escalation step that needs a delayed job: run `stepId` at `dueAt`. */
export interface EscalationWork {
  stepId: number;
  dueAt: Date;
}

/**
 * Writes the alert's whole ladder as pending steps, each due at its delay after `from` (the
 * alert's firing, or the end of the silence that held it).
 */
export function planEscalation(tx: DbOrTx, alertId: number, policyName: string, policy: EscalationPolicy, from: Date): EscalationWork[] {
  const rows = policy.levels.flatMap((level) => {
    const repeats = level.repeat ? level.repeat.times : 0;
    return Array.from({ length: repeats + 1 }, (_, repeat) => ({
      alertId,
      policy: policyName,
      level: level.level,
      repeat,
      dueAt: new Date(from.getTime() + level.after + repeat * (level.repeat?.every ?? 0)),
      state: 'pending' as const,
    }));
  });
  if (rows.length === 0) return [];
  return tx
    .insert(escalationSteps)
    .values(rows)
    .returning({ stepId: escalationSteps.id, dueAt: escalationSteps.dueAt })
    .all();
}

/** Stops every pending step of the alert (ack, resolution, silence); returns how many stopped. */
export function cancelEscalation(tx: DbOrTx, alertId: number, reason: string, now: Date): number {
  return tx
    .update(escalationSteps)
    .set({ state: 'cancelled', detail: reason, doneAt: now })
    .where(and(eq(escalationSteps.alertId, alertId), eq(escalationSteps.state, 'pending')))
    .run().changes;
}
