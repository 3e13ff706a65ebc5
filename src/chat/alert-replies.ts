import type { LifecycleOutcome } from '../alerts/lifecycle.js';
import { privateReply, type Reply } from './command.js';

/** Why an ack or resolve changed nothing, said plainly. */
export function describeNoChange(outcome: Exclude<LifecycleOutcome, { outcome: 'done' }>, alertId: number, verb: 'ack' | 'resolve'): Reply {
  if (outcome.outcome === 'unknown') return privateReply(`There is no alert #${alertId}. /status lists the firing ones.`);
  const { alert } = outcome;
  if (alert.status === 'resolved') {
    return privateReply(`Alert #${alertId} is already resolved${alert.resolvedBy ? ` (by ${alert.resolvedBy})` : ''}.`);
  }
  return privateReply(
    verb === 'ack'
      ? `Alert #${alertId} was already acknowledged by ${alert.ackedBy ?? 'someone'} at ${alert.ackedAt?.toISOString() ?? '?'}.`
      : `Alert #${alertId} cannot be resolved now.`,
  );
}
