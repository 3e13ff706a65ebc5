import { and, asc, eq, sql } from 'drizzle-orm';
import { inChunks, placeholderAs, rowPlaceholders, statementsPerHandle, statementsPerRowCount, type Db, type Store } from '../db/store.js';
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
export async function nextStep(store: Store, db: Db, alertId: number): Promise<EscalationWork | undefined> {
  const { escalationSteps } = store.t;
  const [next] = await db
    .select({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
    .from(escalationSteps)
    .where(and(eq(escalationSteps.alertId, alertId), eq(escalationSteps.state, 'pending')))
    .orderBy(asc(escalationSteps.dueAt), asc(escalationSteps.id))
    .limit(1);
  return next;
}

const p = sql.placeholder;

/** Rows of ladder steps per multi-row insert: five placeholders a row, far below either dialect's limit. */
const STEP_ROWS_PER_INSERT = 250;

/** Ladder steps of any alerts in one statement (ids are given in row order, so sorted ids match the rows). */
const insertStepsFor = statementsPerRowCount((db, { escalationSteps }, rows) =>
  db
    .insert(escalationSteps)
    .values(
      Array.from({ length: rows }, (_, i) => ({
        alertId: p(`alertId_${i}`),
        policy: p(`policy_${i}`),
        level: p(`level_${i}`),
        repeat: p(`repeat_${i}`),
        dueAt: p(`dueAt_${i}`),
        state: 'pending' as const,
      })),
    )
    .returning({ stepId: escalationSteps.id, alertId: escalationSteps.alertId, dueAt: escalationSteps.dueAt })
    .prepare(`escalation.insertSteps.${rows}`),
);

const statementsFor = statementsPerHandle((db, { escalationSteps }) => ({
  cancelPending: db
    .update(escalationSteps)
    .set({ state: 'cancelled', detail: placeholderAs(escalationSteps.detail, 'reason'), doneAt: placeholderAs(escalationSteps.doneAt, 'now') })
    .where(and(eq(escalationSteps.alertId, p('alertId')), eq(escalationSteps.state, 'pending')))
    .returning({ id: escalationSteps.id })
    .prepare('escalation.cancelPending'),
}));

/** One alert's ladder to plan: its policy, and the time its steps count from. */
export interface LadderPlan {
  alertId: number;
  policyName: string;
  policy: EscalationPolicy;
  from: Date;
}

/**
 * Writes each alert's whole ladder as pending steps, each due at its delay after `from` (the alert's
 * firing, or the end of the silence that held it), inside the caller's transaction `tx`: all the
 * ladders of a batch in as few statements as the row limit allows. Returns the steps in id order.
 */
export async function planEscalations(store: Store, tx: Db, plans: LadderPlan[]): Promise<EscalationWork[]> {
  const rows = plans.flatMap(({ alertId, policyName, policy, from }) =>
    policy.levels.flatMap((level) =>
      Array.from({ length: (level.repeat ? level.repeat.times : 0) + 1 }, (_, repeat) => ({
        alertId,
        policy: policyName,
        level: level.level,
        repeat,
        dueAt: new Date(from.getTime() + level.after + repeat * (level.repeat?.every ?? 0)),
      })),
    ),
  );
  const planned = await inChunks(rows, STEP_ROWS_PER_INSERT, (chunk) => insertStepsFor(store, tx, chunk.length).execute(rowPlaceholders(chunk)));
  return planned.sort((a, b) => a.stepId - b.stepId);
}

/** One alert's ladder (see `planEscalations`). */
export function planEscalation(store: Store, tx: Db, alertId: number, policyName: string, policy: EscalationPolicy, from: Date): Promise<EscalationWork[]> {
  return planEscalations(store, tx, [{ alertId, policyName, policy, from }]);
}

/** Stops every pending step of the alert (ack, resolution, silence) inside `tx`; returns how many stopped. */
export async function cancelEscalation(store: Store, tx: Db, alertId: number, reason: string, now: Date): Promise<number> {
  return (await statementsFor(store, tx).cancelPending.execute({ alertId, reason, now })).length;
}
