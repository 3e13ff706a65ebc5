import type { AlertView } from '../../shared/types.js';
import type { AlertAction } from '../../shared/chat.js';

/** Ack while nobody has; Resolve while firing; nothing once resolved. */
export function alertActions(alert: Pick<AlertView, 'id' | 'status' | 'ackedAt'>): AlertAction[] {
  if (alert.status === 'resolved') return [];
  const actions: AlertAction[] = [];
  if (alert.ackedAt === null) actions.push({ command: 'ack', label: 'Ack', alertId: alert.id });
  actions.push({ command: 'resolve', label: 'Resolve', alertId: alert.id });
  return actions;
}

const ACTION_DATA = /^(ack|resolve):(\d{1,15})$/;

/** `ack:123`: short enough for Telegram's 64-byte callback_data and Discord's 100-character custom_id. */
export function encodeAction(action: Pick<AlertAction, 'command' | 'alertId'>): string {
  return `${action.command}:${action.alertId}`;
}

export function decodeAction(data: string): Pick<AlertAction, 'command' | 'alertId'> | null {
  const found = ACTION_DATA.exec(data);
  return found ? { command: found[1] as AlertAction['command'], alertId: Number(found[2]) } : null;
}
