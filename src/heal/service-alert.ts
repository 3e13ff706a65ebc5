import type { AlertInput } from '../alerts/input.js';
import type { ServiceConfig } from '../config/service-schema.js';

/** The alert the supervisor raises or resolves about one topic of a service (process, health, restarts, fatal, setup). */
export function serviceAlert(config: ServiceConfig, topic: string, status: 'firing' | 'resolved', title: string, body?: string, severity = config.severity): AlertInput {
  return {
    severity,
    title,
    ...(body ? { body } : {}),
    service: config.name,
    labels: { owner: config.owner },
    dedupKey: `opsbot:service:${config.name}:${topic}`,
    status,
    source: 'opsbot supervisor',
  };
}
