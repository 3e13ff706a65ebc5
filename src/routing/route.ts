import type { RouteDecisionJson } from '../db/schema.js';
import type { FileConfig, RouteConfig } from '../config/file-schema.js';
import { SEVERITIES, type Platform, type Severity } from '../channels/types.js';

export interface RoutableAlert {
  severity: Severity;
  service: string | null;
  labels: Record<string, string>;
}

type Routing = Pick<FileConfig, 'routes' | 'defaultRoute'>;

/**
 * Walks the configured routes in order. A matching route adds its destinations and stops the
 * walk unless it says `continue`; when nothing matched, the default route takes the alert.
 */
export function decideRoute(alert: RoutableAlert, routing: Routing): RouteDecisionJson {
  const decision: RouteDecisionJson = { matched: [], usedDefault: false, destinations: [] };
  for (const route of routing.routes) {
    if (!routeMatches(route, alert)) continue;
    decision.matched.push(route.name);
    addDestinations(decision, route, `route:${route.name}`);
    if (!route.continue) break;
  }
  if (decision.matched.length === 0) {
    decision.usedDefault = true;
    addDestinations(decision, routing.defaultRoute, 'default');
  }
  return decision;
}

export function routeMatches(route: RouteConfig, alert: RoutableAlert): boolean {
  const { minSeverity, service, labels } = route.match;
  if (minSeverity && severityRank(alert.severity) < severityRank(minSeverity)) return false;
  if (service !== undefined) {
    const services = Array.isArray(service) ? service : [service];
    if (alert.service === null || !services.includes(alert.service)) return false;
  }
  for (const [name, matcher] of Object.entries(labels ?? {})) {
    const value = alert.labels[name];
    if (value === undefined) return false;
    if (typeof matcher === 'string' ? value !== matcher : !fullMatch(matcher.regex, value)) return false;
  }
  return true;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

const compiled = new Map<string, RegExp>();

function fullMatch(source: string, value: string): boolean {
  let regex = compiled.get(source);
  if (!regex) {
    regex = new RegExp(`^(?:${source})$`);
    compiled.set(source, regex);
  }
  return regex.test(value);
}

function addDestinations(
  decision: RouteDecisionJson,
  target: { discord: string[]; telegram: string[] },
  via: string,
) {
  const platforms: Platform[] = ['discord', 'telegram'];
  for (const platform of platforms) {
    for (const destination of target[platform]) {
      const seen = decision.destinations.some((d) => d.platform === platform && d.destination === destination);
      if (!seen) decision.destinations.push({ platform, destination, via });
    }
  }
}
