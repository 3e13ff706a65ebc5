import { switchedBy, type Actor } from './actor.js';
import { audited } from './audited.js';
import type { SwitchDeps } from './deps.js';
import type { SwitchResult } from './results.js';

/** The maintenance switch: a disabled service gets no probes, restarts, heals or alerts until it is enabled. */
export function setServiceEnabled(deps: SwitchDeps, name: string, enabled: boolean, actor: Actor): Promise<SwitchResult> {
  return audited(actor, async (): Promise<SwitchResult> => {
    const service = await deps.manager.setEnabled(name, enabled, switchedBy(actor));
    if (!service) return { kind: 'not-found', what: 'service', id: name };
    return { kind: 'switched', service, enabled, by: actor.name };
  });
}
