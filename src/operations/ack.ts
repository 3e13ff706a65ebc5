import { acknowledgeAlert } from '../alerts/lifecycle.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import { alertNotFound, alreadySettled } from './alert-change.js';
import type { StoreDeps } from './deps.js';
import type { AckResult } from './results.js';

/** Acknowledges a firing alert: stops its escalation, then edits every message that shows it. */
export function ack(deps: StoreDeps, alertId: number, actor: Actor, now = new Date()): Promise<AckResult> {
  return audited(actor, async (): Promise<AckResult> => {
    const outcome = await acknowledgeAlert(deps.store, alertId, actor.name, now);
    if (outcome.outcome === 'unknown') return alertNotFound(alertId);
    if (outcome.outcome === 'already') return alreadySettled(outcome.alert);
    await deps.sink.sync(outcome);
    return { kind: 'acked', alert: outcome.alert, stoppedSteps: outcome.stoppedSteps };
  });
}
