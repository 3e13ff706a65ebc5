import type { AlertRow } from '../db/schema.js';
import type { LifecycleOutcome } from '../alerts/lifecycle.js';
import type { WorkSink } from '../shared/work.js';
import type { AlreadyAcked, AlreadyResolved, NotFound } from './results.js';

export const alertNotFound = (alertId: number): NotFound => ({ kind: 'not-found', what: 'alert', id: String(alertId) });

export const alreadyResolved = (alert: AlertRow): AlreadyResolved => ({ kind: 'already-resolved', alert, by: alert.resolvedBy });

/** An ack that found the alert acknowledged, or resolved, already. */
export function alreadySettled(alert: AlertRow): AlreadyAcked | AlreadyResolved {
  if (alert.status === 'resolved') return alreadyResolved(alert);
  return { kind: 'already-acked', alert, by: alert.ackedBy ?? 'someone', at: alert.ackedAt! };
}

/** Hands on what an ack or resolve committed: the edits of every message that shows the alert, and what its resolution let go (the alerts it inhibited). */
export async function handOn(sink: WorkSink, done: Extract<LifecycleOutcome, { outcome: 'done' }>): Promise<void> {
  await sink.sync(done);
  await sink.deliveries(done.released.deliveries);
  await sink.escalations(done.released.escalations);
}
