import type { EscalationView } from '../../shared/types.js';
import { formatDuration } from '../../time/duration.js';
import { severityBadge } from '../../shared/severity.js';

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  1: 'L1 reminder',
  2: 'L2 on-call',
  3: 'L3 managers',
  4: 'L4 EMERGENCY',
};

/** `🚨 L4 EMERGENCY (repeat 2)` — louder as the ladder climbs. */
export function escalationHeadline(view: EscalationView): string {
  const sirens = view.level >= 4 ? '🚨🚨🚨' : view.level >= 3 ? '🚨' : '⏫';
  const repeat = view.repeat > 0 ? ` (repeat ${view.repeat})` : '';
  return `${sirens} ${LEVEL_NAMES[view.level] ?? `L${view.level}`}${repeat}`;
}

/** `🔴 CRIT alert #12 has not been acknowledged for 15m.` — the title is added by each renderer, escaped. */
export function escalationFacts(view: EscalationView): string {
  return `${severityBadge(view.alert.severity)} alert #${view.alert.id} has not been acknowledged for ${formatDuration(view.unackedForMs)}. Ack it or resolve it.`;
}
