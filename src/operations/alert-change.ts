import type { AlertRow } from '../db/schema.js';
import type { AlreadyAcked, AlreadyResolved, NotFound } from './results.js';

export const alertNotFound = (alertId: number): NotFound => ({ kind: 'not-found', what: 'alert', id: String(alertId) });

export const alreadyResolved = (alert: AlertRow): AlreadyResolved => ({ kind: 'already-resolved', alert, by: alert.resolvedBy });

/** An ack that found the alert acknowledged, or resolved, already. */
export function alreadySettled(alert: AlertRow): AlreadyAcked | AlreadyResolved {
  if (alert.status === 'resolved') return alreadyResolved(alert);
  return { kind: 'already-acked', alert, by: alert.ackedBy ?? 'someone', at: alert.ackedAt! };
}
