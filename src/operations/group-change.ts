import { acknowledgeAlert, resolveAlert, type LifecycleOutcome } from '../alerts/lifecycle.js';
import { groupMembers } from '../alerts/group-members.js';
import type { Inhibition } from '../alerts/inhibition-hold.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { StoreDeps } from './deps.js';
import type { GroupChangeResult } from './results.js';
import { handOn } from './alert-change.js';

/**
 * Acknowledges or resolves every alert of a route group's message that still needs it (the group's
 * Ack all and Resolve all buttons, `/ackgroup`, `/resolvegroup`): each as its own ack or resolve
 * would, its escalation stopped and every message that shows it edited.
 */
export function changeGroup(
  deps: StoreDeps & { routing: Inhibition },
  verb: 'ack' | 'resolve',
  summaryId: number,
  actor: Actor,
  now = new Date(),
): Promise<GroupChangeResult> {
  return audited(actor, async (): Promise<GroupChangeResult> => {
    const group = await groupMembers(deps.store, summaryId);
    if (!group) return { kind: 'not-found', what: 'group', id: String(summaryId) };
    const changed: number[] = [];
    for (const alert of group.alerts) {
      if (alert.status === 'resolved' || (verb === 'ack' && alert.ackedAt !== null)) continue;
      const outcome: LifecycleOutcome =
        verb === 'ack' ? await acknowledgeAlert(deps.store, alert.id, actor.name, now) : await resolveAlert(deps.store, alert.id, actor.name, deps.routing, now);
      if (outcome.outcome !== 'done') continue;
      changed.push(alert.id);
      await handOn(deps.sink, outcome);
    }
    return { kind: verb === 'ack' ? 'group-acked' : 'group-resolved', summaryId, labels: group.labels, alertIds: changed, by: actor.name };
  });
}
