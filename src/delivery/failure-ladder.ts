import type { Platform } from '../shared/types.js';
import { asDeliveryError } from '../platforms/errors.js';
import type { Pacer } from './pacer.js';

/** How many attempts a post or edit gets against a failing platform, and how long it waits between them. */
export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
}

/**
 * What a platform's refusal means for the work that met it:
 * - `hold`: a 429; the destination is held for the platform's retry_after and the work runs again
 *   then; it is not a failed attempt;
 * - `retry`: a transient failure (5xx, network error, timeout), counted as attempt `attempts`; the
 *   work runs again after the back-off;
 * - `fail`: the platform will never accept it (`attempts` null), or the last attempt failed.
 */
export type FailureDecision =
  | { kind: 'hold'; retryInMs: number; reason: string }
  | { kind: 'retry'; retryInMs: number; attempts: number; reason: string }
  | { kind: 'fail'; attempts: number | null; reason: string };

/** The wait before attempt `attempts + 1`: doubling from `backoffMs`, ±20 % jitter, capped at `backoffMaxMs`. */
export function backoffMs(policy: RetryPolicy, attempts: number): number {
  const exponential = policy.backoffMs * 2 ** Math.max(0, attempts - 1);
  const jitter = 0.8 + Math.random() * 0.4;
  return Math.min(policy.backoffMaxMs, exponential * jitter);
}

/**
 * Decides what a failed post or edit means. Only a transient failure counts as an attempt:
 * `countAttempt` records it on the caller's row and returns how many attempts the row has now.
 */
export async function decideFailure(error: unknown, policy: RetryPolicy, countAttempt: (reason: string) => Promise<number> | number): Promise<FailureDecision> {
  const failure = asDeliveryError(error);
  const reason = failure.message;
  if (failure.kind === 'rate_limited') return { kind: 'hold', retryInMs: failure.retryAfterMs, reason };
  if (failure.kind === 'permanent') return { kind: 'fail', attempts: null, reason };
  const attempts = await countAttempt(reason);
  if (attempts >= policy.maxAttempts) return { kind: 'fail', attempts, reason };
  return { kind: 'retry', retryInMs: backoffMs(policy, attempts), attempts, reason };
}

/** A transient failure, retried or not, says the platform itself may be down. */
export function platformMayBeDown(decision: FailureDecision): boolean {
  return decision.kind === 'retry' || (decision.kind === 'fail' && decision.attempts !== null);
}

export interface FailureLadder {
  pacer: Pick<Pacer, 'hold'>;
  retry: RetryPolicy;
  /** Told when a platform may be down, so that its recovery is watched for. */
  platformFailed?(platform: Platform): void;
}

/**
 * Meets a failed post or edit for every kind of work (an alert's message, a storm summary, an edit,
 * an escalation): decides what the failure means, holds the destination after a 429 and reports a
 * platform that may be down. The caller only updates its own row as the decision says.
 */
export async function meetFailure(
  ladder: FailureLadder,
  target: { platform: Platform; destination: string },
  error: unknown,
  countAttempt: (reason: string) => Promise<number> | number,
): Promise<FailureDecision> {
  const decision = await decideFailure(error, ladder.retry, countAttempt);
  if (decision.kind === 'hold') await ladder.pacer.hold(target.platform, target.destination, decision.retryInMs);
  if (platformMayBeDown(decision)) ladder.platformFailed?.(target.platform);
  return decision;
}
