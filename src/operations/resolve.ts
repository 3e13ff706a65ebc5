import { resolveAlert } from '../alerts/lifecycle.js';
import type { Inhibition } from '../alerts/inhibition-hold.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import { alertNotFound, alreadyResolved, handOn } from './alert-change.js';
import type { StoreDeps } from './deps.js';
import type { ResolveResult } from './results.js';

/**
 * Resolves a firing alert by hand: stops its escalation, then edits every message that shows it and
 * posts what it inhibited (`routing`: the inhibition rules and escalation policies of the config).
 */
export function resolve(deps: StoreDeps & { routing: Inhibition }, alertId: number, actor: Actor, now = new Date()): Promise<ResolveResult> {
  return audited(actor, async (): Promise<ResolveResult> => {
    const outcome = await resolveAlert(deps.store, alertId, actor.name, deps.routing, now);
    if (outcome.outcome === 'unknown') return alertNotFound(alertId);
    if (outcome.outcome === 'already') return alreadyResolved(outcome.alert);
    await handOn(deps.sink, outcome);
    return { kind: 'resolved', alert: outcome.alert, stoppedSteps: outcome.stoppedSteps };
  });
}
