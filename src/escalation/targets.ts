import type { FileConfig } from '../config/file-schema.js';
import type { EscalationLevel } from '../config/escalation-schema.js';
import type { RouteDecisionJson } from '../db/schema.js';
import { PLATFORMS, type Platform } from '../shared/types.js';
import type { SubscriptionRule } from '../routing/route.js';

export interface Destination {
  platform: Platform;
  destination: string;
}

/** A config section listing destination ids under each platform's name (a route, a level, the digest). */
export type PerPlatformIds = Record<Platform, string[]>;

/** The destinations a per-platform section lists. */
export function destinationsIn(ids: PerPlatformIds): Destination[] {
  return PLATFORMS.flatMap((platform) => ids[platform].map((destination) => ({ platform, destination })));
}

export const destinationKey = (d: Destination) => `${d.platform}:${d.destination}`;

/** Every destination opsbot knows: routes, the default route, escalation levels and chat subscriptions. */
export function allDestinations(config: Pick<FileConfig, 'routes' | 'defaultRoute' | 'escalation'>, subscriptions: SubscriptionRule[]): Destination[] {
  const lists: PerPlatformIds[] = [...config.routes, config.defaultRoute, ...Object.values(config.escalation.policies).flatMap((p) => p.levels)];
  const found = lists.flatMap(destinationsIn);
  found.push(...subscriptions.map(({ platform, destination }) => ({ platform, destination })));
  return unique(found);
}

/** L1/L2 notify the alert's own destinations; a level may add its own (L3); `everywhere` (L4) takes all. */
export function levelTargets(route: RouteDecisionJson, level: EscalationLevel, everywhere: () => Destination[]): Destination[] {
  const own = route.destinations.map(({ platform, destination }) => ({ platform, destination }));
  const extra = destinationsIn(level);
  return unique([...own, ...extra, ...(level.everywhere ? everywhere() : [])]);
}

function unique(list: Destination[]): Destination[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = destinationKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
