import type { Logger } from 'pino';
import type { ChannelAdapter } from '../platforms/adapter.js';
import type { Platform } from '../shared/types.js';
import type { DeliveryStore } from './store.js';
import type { SummaryStore } from './summary-store.js';
import type { Pacer } from './pacer.js';
import type { ClaimLease } from './claim-lease.js';
import type { FlushOwnership } from './flush-ownership.js';
import type { FailureLadder, RetryPolicy } from './failure-ladder.js';

/** What a job wants next: finished, or run me again in `retryInMs`. */
export type Step = { done: true } | { done: false; retryInMs: number };
export const DONE: Step = { done: true };
export const retryIn = (ms: number): Step => ({ done: false, retryInMs: Math.max(1, Math.round(ms)) });

/** Enqueues follow-up work; implemented over the platforms' BullMQ deliver queues. */
export interface FollowUps {
  delivery(work: { deliveryId: number; revision: number; platform: Platform }, delayMs?: number): Promise<void>;
  summary(summary: { summaryId: number; platform: Platform }, delayMs?: number): Promise<void>;
  summaryEdit(work: { summaryId: number; revision: number; platform: Platform }): Promise<void>;
  flush(platform: Platform, destination: string): Promise<void>;
}

export interface DeliveryHooks {
  /** A delivery's own message was accepted by the platform. */
  sent?(deliveryId: number, platform: Platform, acceptedAt: Date): void;
  /** A post or edit failed in a way worth retrying (5xx, timeout, network error). */
  platformFailed?(platform: Platform): void;
  /** A post was accepted by the platform. */
  platformAnswered?(platform: Platform): void;
}

export interface DeliveryContext {
  store: DeliveryStore;
  summaries: SummaryStore;
  pacer: Pacer;
  claims: ClaimLease;
  flushes: FlushOwnership;
  adapters: Partial<Record<Platform, ChannelAdapter>>;
  retry: RetryPolicy;
  followUps: FollowUps;
  log: Logger;
  hooks?: DeliveryHooks;
}

/** The failure ladder as delivery meets it: the shared pace, the retry policy, and recovery watching. */
export function failureLadderOf(ctx: DeliveryContext): FailureLadder {
  return { pacer: ctx.pacer, retry: ctx.retry, platformFailed: (platform) => ctx.hooks?.platformFailed?.(platform) };
}
