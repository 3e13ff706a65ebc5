import type { ServiceConfig } from '../config/service-schema.js';
import type { InstancesNow } from '../cluster/instances.js';

/**
 * Whether instance `self` supervises the service now. One that names no instance runs wherever it is
 * configured. One that names `self` runs here, unless the fallback that took it over still holds it
 * and beats (the fallback hands it back first). The fallback runs it while its instance is lost.
 */
export function supervisesNow(config: ServiceConfig, self: string, instances: InstancesNow, takenOverBy: string | null): boolean {
  if (config.instance === undefined) return true;
  if (config.instance === self) return takenOverBy === null || !instances.alive.has(takenOverBy);
  return config.fallback === self && instances.lost.has(config.instance);
}
