import type { AlertView, SummaryView } from '../../shared/types.js';
import type { AlertAction } from '../../shared/chat.js';

/** Ack while nobody has; Resolve while firing; nothing once resolved. */
export function alertActions(alert: Pick<AlertView, 'id' | 'status' | 'ackedAt'>): AlertAction[] {
  if (alert.status === 'resolved') return [];
  const actions: AlertAction[] = [];
  if (alert.ackedAt === null) actions.push({ command: 'ack', label: 'Ack', target: alert.id });
  actions.push({ command: 'resolve', label: 'Resolve', target: alert.id });
  return actions;
}

/** A route group's message: Ack all while an alert in it fires unacknowledged, Resolve all while one fires; a storm summary has none. */
export function groupActions(summary: SummaryView): AlertAction[] {
  if (!summary.group) return [];
  const firing = summary.items.filter((item) => item.status === 'firing');
  if (firing.length === 0) return [];
  const actions: AlertAction[] = [];
  if (firing.some((item) => item.ackedAt === null)) actions.push({ command: 'ackgroup', label: 'Ack all', target: summary.id });
  actions.push({ command: 'resolvegroup', label: 'Resolve all', target: summary.id });
  return actions;
}

const ACTION_DATA = /^(ack|resolve|ackgroup|resolvegroup):(\d{1,15})$/;

/** `ack:123`, `ackgroup:45`: short enough for Telegram's 64-byte callback_data and Discord's 100-character custom_id. */
export function encodeAction(action: Pick<AlertAction, 'command' | 'target'>): string {
  return `${action.command}:${action.target}`;
}

/** The command a button runs and its option: `alert` for an alert's buttons, `group` for a group's. */
export function decodeAction(data: string): { command: AlertAction['command']; raw: Record<string, string> } | null {
  const found = ACTION_DATA.exec(data);
  if (!found) return null;
  const command = found[1] as AlertAction['command'];
  return { command, raw: { [command.endsWith('group') ? 'group' : 'alert']: found[2]! } };
}
