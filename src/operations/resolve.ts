import { resolveAlert } from '../alerts/lifecycle.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import { alertNotFound, alreadyResolved } from './alert-change.js';
import type { StoreDeps } from './deps.js';
import type { ResolveResult } from './results.js';

/** Resolves a firing alert by hand: stops its escalation, then edits every message that shows it. */
export function resolve(deps: StoreDeps, alertId: number, actor: Actor, now = new Date()): Promise<ResolveResult> {
  return audited(actor, async (): Promise<ResolveResult> => {
    const outcome = await resolveAlert(deps.store, alertId, actor.name, now);
    if (outcome.outcome === 'unknown') return alertNotFound(alertId);
    if (outcome.outcome === 'already') return alreadyResolved(outcome.alert);
    await deps.sink.sync(outcome);
    return { kind: 'resolved', alert: outcome.alert, stoppedSteps: outcome.stoppedSteps };
  });
}
