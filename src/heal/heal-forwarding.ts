import type { ServiceConfig } from '../config/service-schema.js';
import type { HealRunRow } from '../db/schema.js';
import type { Store } from '../db/store.js';
import { LOST_AFTER_MS, instancesNow, listInstances } from '../cluster/instances.js';
import { supervisesNow } from './supervises-now.js';

/** A heal asked of an instance that does not run the service, carried to the one that does. */
export interface ForwardedHeal {
  service: string;
  action: string;
  trigger: HealRunRow['trigger'];
  triggeredBy: string;
}

/** Hands a heal to another instance's queue (jobs/probe.ts: the instance's own probe queue). */
export type ForwardHeal = (instance: string, heal: ForwardedHeal) => Promise<void>;

/**
 * The instance that runs the service now: its own instance while that one beats and has it back,
 * else its fallback while it holds it; null when neither runs it (its instance is lost, with no
 * fallback or one that is lost too).
 */
export async function instanceRunning(store: Store, config: ServiceConfig, takenOverBy: string | null): Promise<string | null> {
  const instances = instancesNow(await listInstances(store, new Date(), LOST_AFTER_MS));
  const candidates = [config.instance, config.fallback].filter((name): name is string => name !== undefined && instances.alive.has(name));
  return candidates.find((candidate) => supervisesNow(config, candidate, instances, takenOverBy)) ?? null;
}
