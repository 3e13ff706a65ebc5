import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/open.js';
import { preparedPerHandle } from '../db/prepared.js';
import { escalationSteps } from '../db/schema.js';
import type { EscalationPolicy } from '../config/escalation-schema.js';
import type { EscalationWork } from '../shared/work.js';

/**
 * Only each alert's earliest pending step gets a delayed job; a step that finishes queues the next
 * (see `nextStep`). A flood of CRIT alerts thus costs one job per alert, not one per rung.
 */
export function earliestPerAlert(work: EscalationWork[]): EscalationWork[] {
  const earliest = new Map<number, EscalationWork>();
  for (const w of work) {
    const current = earliest.get(w.alertId);
    if (!current || w.dueAt.getTime() < current.dueAt.getTime() || (w.dueAt.getTime() === current.dueAt.getTime() && w.stepId < current.stepId)) {
      earliest.set(w.alertId, w);
    }
  }
  return [...earliest.values()];
}

/** The alert's next pending step after one finished, if any. */
export function nextStep(db: DbOrTx, alertId: number): EscalationWork | undefined {
  return db
    .select({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
    .from(escalationSteps)
    .where(and(eq(escalationSteps.alertId, alertId), eq(escalationSteps.state, 'pending')))
    .orderBy(asc(escalationSteps.dueAt), asc(escalationSteps.id))
    .limit(1)
    .get();
}

const p = sql.placeholder;

function prepareStatements(db: DbOrTx) {
  return {
    insertStep: db
      .insert(escalationSteps)
      .values({ alertId: p('alertId'), policy: p('policy'), level: p('level'), repeat: p('repeat'), dueAt: p('dueAt'), state: 'pending' })
      .returning({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
      .prepare(),
    cancelPending: db
      .update(escalationSteps)
      .set({ state: 'cancelled', detail: sql`${p('reason')}`, doneAt: sql`${p('nowMs')}` })
      .where(and(eq(escalationSteps.alertId, p('alertId')), eq(escalationSteps.state, 'pending')))
      .prepare(),
  };
}

/** The intake plans a ladder for every CRIT alert it accepts. */
const statementsFor = preparedPerHandle(prepareStatements);

/**
 * Writes the alert's whole ladder as pending steps, each due at its delay after `from` (the
 * alert's firing, or the end of the silence that held it).
 */
export function planEscalation(db: DbOrTx, alertId: number, policyName: string, policy: EscalationPolicy, from: Date): EscalationWork[] {
  const { insertStep } = statementsFor(db);
  return policy.levels.flatMap((level) => {
    const repeats = level.repeat ? level.repeat.times : 0;
    return Array.from({ length: repeats + 1 }, (_, repeat) =>
      insertStep.get({
        alertId,
        policy: policyName,
        level: level.level,
        repeat,
        dueAt: new Date(from.getTime() + level.after + repeat * (level.repeat?.every ?? 0)),
      })!,
    );
  });
}

/** Stops every pending step of the alert (ack, resolution, silence); returns how many stopped. */
export function cancelEscalation(db: DbOrTx, alertId: number, reason: string, now: Date): number {
  return statementsFor(db).cancelPending.run({ alertId, reason, nowMs: now.getTime() }).changes;
}
