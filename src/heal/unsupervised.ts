import type { AlertInput } from '../alerts/input.js';
import type { InstancesNow } from '../cluster/instances.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { serviceAlert } from './service-alert.js';

const TOPIC = 'unsupervised';

/** The dedup keys of the alerts that say a service of a named instance is supervised by nobody. */
export function unsupervisedKeys(services: ServiceConfig[]): string[] {
  return services.filter((s) => s.instance !== undefined).map((s) => serviceAlert(s, TOPIC, 'firing', '').dedupKey!);
}

/**
 * What the leader raises about the services of named instances: one alert per service (at the
 * service's severity) while its instance is lost and no fallback that beats takes it over; resolved
 * when its instance is back or its fallback runs it.
 */
export function unsupervisedAlerts(services: ServiceConfig[], instances: InstancesNow, firing: ReadonlySet<string>): AlertInput[] {
  return services.flatMap((config) => {
    if (config.instance === undefined) return [];
    const fallbackRuns = config.fallback !== undefined && instances.alive.has(config.fallback);
    const unsupervised = instances.lost.has(config.instance) && !fallbackRuns;
    const key = serviceAlert(config, TOPIC, 'firing', '').dedupKey!;
    if (unsupervised && !firing.has(key)) {
      const fallback = config.fallback === undefined ? 'It names no fallback instance.' : `Its fallback ${config.fallback} does not beat either.`;
      const body = `No opsbot instance starts, probes or heals ${config.name} until ${config.instance} beats again. ${fallback}`;
      return [serviceAlert(config, TOPIC, 'firing', `service ${config.name} is not supervised: its instance ${config.instance} is lost`, body)];
    }
    if (!unsupervised && firing.has(key)) {
      const by = fallbackRuns && instances.lost.has(config.instance) ? `its fallback ${config.fallback}` : config.instance;
      return [serviceAlert(config, TOPIC, 'resolved', `service ${config.name} is supervised again, by ${by}`)];
    }
    return [];
  });
}
