import type { AlertRow, HealRunRow, ServiceRow, SilenceRow, SubscriptionRow } from '../db/schema.js';
import type { ResentDelivery } from '../delivery/resend.js';
import type { AuditResult } from './actor.js';

export type NotFound = { kind: 'not-found'; what: 'alert' | 'silence' | 'service' | 'subscription' | 'route' | 'group'; id: string };
export type AlreadyAcked = { kind: 'already-acked'; alert: AlertRow; by: string; at: Date };
export type AlreadyResolved = { kind: 'already-resolved'; alert: AlertRow; by: string | null };

export type AckResult = { kind: 'acked'; alert: AlertRow; stoppedSteps: number } | AlreadyAcked | AlreadyResolved | NotFound;
/** What a group's Ack all or Resolve all changed: `alertIds` (none when every alert was already acknowledged or resolved). */
export type GroupChangeResult =
  | { kind: 'group-acked' | 'group-resolved'; summaryId: number; labels: Record<string, string>; alertIds: number[]; by: string }
  | NotFound;
/** What `/check` found: each service (this instance's probed now), each heartbeat, the trigger rules that fired now or stay breached. */
export type CheckResult = {
  kind: 'checked';
  healthy: boolean;
  services: Array<{ name: string; ok: boolean; detail: string }>;
  heartbeats: Array<{ name: string; ok: boolean; state: string }>;
  fired: Array<{ rule: string; series: string; detail: string; did: string }>;
  breached: string[];
};
export type ResolveResult = { kind: 'resolved'; alert: AlertRow; stoppedSteps: number } | AlreadyResolved | NotFound;
export type SilenceResult = { kind: 'silenced'; silence: SilenceRow; durationMs: number; held: number };
export type UnsilenceResult = { kind: 'unsilenced'; silence: SilenceRow } | NotFound;
export type ResendResult = { kind: 'resent'; resent: ResentDelivery[]; message: string } | NotFound;
export type HealResult =
  | { kind: 'heal-started'; run: HealRunRow }
  | { kind: 'heal-forwarded'; service: string; action: string; instance: string; by: string }
  | { kind: 'refused'; reason: string };
export type SwitchResult = { kind: 'switched'; service: ServiceRow; enabled: boolean; by: string } | NotFound;
export type SubscribeResult = { kind: 'subscribed'; subscription: SubscriptionRow };
export type UnsubscribeResult = { kind: 'unsubscribed'; by: string } | NotFound;
export type TestNotifyResult = { kind: 'test-sent'; alertId: number; route: string | null; destinations: Array<{ platform: string; destination: string }> } | NotFound;

export type OperationResult =
  | AckResult
  | ResolveResult
  | GroupChangeResult
  | CheckResult
  | SilenceResult
  | UnsilenceResult
  | ResendResult
  | HealResult
  | SwitchResult
  | SubscribeResult
  | UnsubscribeResult
  | TestNotifyResult;

/**
 * The one audit result of each outcome. A change made is `ok`; so is a request whose state already
 * holds (an ack of an acked alert, a resolve of a resolved one): it was a valid request that found
 * the work done, and the detail says by whom. A target that does not exist is `invalid`; an
 * operation the service refused (maintenance, a run in progress) is `refused`.
 */
export function auditResultOf(result: OperationResult): AuditResult {
  switch (result.kind) {
    case 'not-found':
      return 'invalid';
    case 'refused':
      return 'refused';
    default:
      return 'ok';
  }
}

/** Whether the operation changed something (a chat answers those in public, the dashboard flashes them as done). */
export function changedSomething(result: OperationResult): boolean {
  switch (result.kind) {
    case 'resent':
      return result.resent.length > 0;
    case 'not-found':
    case 'refused':
    case 'already-acked':
    case 'already-resolved':
      return false;
    case 'group-acked':
    case 'group-resolved':
      return result.alertIds.length > 0;
    default:
      return true;
  }
}
