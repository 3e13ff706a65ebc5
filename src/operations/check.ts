import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import { describeServices } from '../heal/service-view.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { CheckResult } from './results.js';

/** What a check runs: the services this instance runs, the heartbeats, the trigger rules. */
export interface CheckDeps {
  manager: ServiceManager;
  heal: HealService;
  heartbeats: Heartbeats;
  triggers: TriggerEngine;
}

/** Service states that are a problem while it is enabled: crashed, restarting after a crash, or its pid file's process gone. */
const DOWN_STATES = new Set(['fatal', 'exited', 'stopped', 'backoff', 'down']);

/**
 * Runs now every probe of the services this instance runs, every heartbeat check and every trigger
 * evaluation (`/check`, `opsbot check`, `POST /api/v1/check`), as an ops cycle's checks do, and says
 * what is healthy, what is not, and what fired (a fire raises its alert and starts its heal as usual).
 */
export function checkNow(deps: CheckDeps, actor: Actor, now = new Date()): Promise<CheckResult> {
  return audited(actor, async (): Promise<CheckResult> => {
    const services: CheckResult['services'] = [];
    for (const view of await describeServices(deps.manager, deps.heal, now)) {
      if (!view.enabled) services.push({ name: view.name, ok: true, detail: 'disabled (maintenance)' });
      else if (!deps.manager.supervises(view.name)) services.push({ name: view.name, ok: true, detail: `runs on opsbot instance ${view.takenOverBy ?? view.instance ?? 'elsewhere'}` });
      else {
        const probe = await deps.manager.probeOnce(view.name);
        const down = DOWN_STATES.has(view.state);
        const ok = !down && (probe ? probe.ok : view.health !== 'unhealthy');
        services.push({ name: view.name, ok, detail: down ? `${view.state}${probe ? `; ${probe.detail}` : ''}` : (probe?.detail ?? `${view.state}, no probe`) });
      }
    }
    await deps.heartbeats.checkAll(now);
    const heartbeats = (await deps.heartbeats.list(now)).map((h) => ({ name: h.name, ok: h.state !== 'stale' && h.state !== 'failed', state: h.state }));
    const fired = await deps.triggers.sweep(now.getTime());
    const breached = (await deps.triggers.list()).flatMap((t) => t.series.filter((s) => s.breached).map((s) => (s.key ? `${t.name} (${s.key})` : t.name)));
    const healthy = services.every((s) => s.ok) && heartbeats.every((h) => h.ok) && fired.length === 0 && breached.length === 0;
    return { kind: 'checked', healthy, services, heartbeats, fired, breached };
  });
}
