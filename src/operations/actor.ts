import type { AuditEntry } from './audit-log.js';

export type AuditResult = AuditEntry['result'];

/** Writes the audit row of one operation; the caller has already bound who, where, the command and its arguments. */
export type AuditTrail = (result: AuditResult, detail: string) => Promise<void>;

/** Who runs an operation, through which door, and how its audit row is written. */
export interface Actor {
  /** The name the alert, silence, heal run or subscription records, and that the answer shows. */
  name: string;
  via: 'chat' | 'api' | 'dashboard';
  audit: AuditTrail;
}

/** How a service's maintenance switch records who flipped it: the dashboard's switches say so. */
export function switchedBy(actor: Actor): string {
  return actor.via === 'dashboard' ? `${actor.name} (dashboard)` : actor.name;
}
