import { HealRefusal } from '../heal/heal-service.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { HealDeps } from './deps.js';
import type { HealResult } from './results.js';

/**
 * Starts one of a service's configured heal actions (its usual one when none is named), here or on the
 * instance that runs the service; opsbot then checks that it worked.
 */
export function heal(deps: HealDeps, service: string, action: string | undefined, actor: Actor): Promise<HealResult> {
  return audited(actor, async (): Promise<HealResult> => {
    try {
      const outcome = await deps.heal.request(service, action, actor.via, actor.name);
      if (outcome.kind === 'forwarded') return { kind: 'heal-forwarded', service, action: outcome.action, instance: outcome.instance, by: actor.name };
      const { run, done } = outcome;
      done.catch((error: unknown) => deps.log.error({ err: error, run: run.id }, 'heal run failed unexpectedly'));
      return { kind: 'heal-started', run };
    } catch (error) {
      if (error instanceof HealRefusal) return { kind: 'refused', reason: error.message };
      throw error;
    }
  });
}

/** Restarts a supervised service: the heal action `restart`. */
export function restart(deps: HealDeps, service: string, actor: Actor): Promise<HealResult> {
  return heal(deps, service, 'restart', actor);
}
