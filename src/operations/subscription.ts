import type { Platform, Severity } from '../shared/types.js';
import { subscribe as storeSubscription, unsubscribe as removeSubscription } from '../routing/subscriptions.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { StoreDeps } from './deps.js';
import type { SubscribeResult, UnsubscribeResult } from './results.js';

export interface SubscriptionRequest {
  platform: Platform;
  destination: string;
  minSeverity: Severity;
  services: string[];
}

/** Subscribes a chat to alerts (replacing what it had); the next alert routed is posted there too. */
export function subscribe(deps: Pick<StoreDeps, 'store'>, request: SubscriptionRequest, actor: Actor, now = new Date()): Promise<SubscribeResult> {
  return audited(actor, async (): Promise<SubscribeResult> => ({ kind: 'subscribed', subscription: await storeSubscription(deps.store, { ...request, createdBy: actor.name }, now) }));
}

/** Stops a chat's subscription; what the config routes there keeps coming. */
export function unsubscribe(deps: Pick<StoreDeps, 'store'>, chat: { platform: Platform; destination: string }, actor: Actor): Promise<UnsubscribeResult> {
  return audited(actor, async (): Promise<UnsubscribeResult> =>
    (await removeSubscription(deps.store, chat.platform, chat.destination))
      ? { kind: 'unsubscribed', by: actor.name }
      : { kind: 'not-found', what: 'subscription', id: `${chat.platform}:${chat.destination}` },
  );
}
