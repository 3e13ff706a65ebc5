import type { GroupJson, RouteDecisionJson } from '../db/schema.js';
import type { FileConfig, RouteConfig } from '../config/file-schema.js';
import { PLATFORMS, SEVERITIES, type Platform, type Severity } from '../shared/types.js';
import { matchesWhole } from '../linear-regex.js';
import { fieldOf, type RoutableAlert } from './matchers.js';

export type Routing = Pick<FileConfig, 'routes' | 'defaultRoute'> & Partial<Pick<FileConfig, 'escalation' | 'inhibitRules'>>;

/** A chat's opt-in from `/subscribe`: the least severity it wants and, optionally, which services. */
export interface SubscriptionRule {
  id: number;
  platform: Platform;
  destination: string;
  minSeverity: Severity;
  services: string[];
}

/**
 * Walks the configured routes in order. A matching route adds its destinations and stops the
 * walk unless it says `continue`; when nothing matched, the default route takes the alert.
 * Chat subscriptions add their chats beside the routes. The first matched route that names an
 * escalation policy picks it; otherwise the severity's default policy applies.
 */
export function decideRoute(alert: RoutableAlert, routing: Routing, subscriptions: SubscriptionRule[] = []): RouteDecisionJson {
  const decision: RouteDecisionJson = { matched: [], usedDefault: false, destinations: [] };
  let policy: string | undefined;
  for (const route of routing.routes) {
    if (!routeMatches(route, alert)) continue;
    decision.matched.push(route.name);
    policy ??= route.escalation;
    addDestinations(decision, route, `route:${route.name}`, groupOf(route, alert));
    if (!route.continue) break;
  }
  if (decision.matched.length === 0) {
    decision.usedDefault = true;
    addDestinations(decision, routing.defaultRoute, 'default');
  }
  for (const subscription of subscriptions) {
    if (!subscriptionMatches(subscription, alert)) continue;
    addDestination(decision, subscription.platform, subscription.destination, `subscription:${subscription.id}`);
  }
  policy ??= routing.escalation?.bySeverity[alert.severity];
  decision.escalation = policy === undefined || policy === 'none' ? null : policy;
  return decision;
}

function subscriptionMatches(subscription: SubscriptionRule, alert: RoutableAlert): boolean {
  if (severityRank(alert.severity) < severityRank(subscription.minSeverity)) return false;
  if (subscription.services.length === 0) return true;
  return alert.service !== null && subscription.services.includes(alert.service);
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
    if (typeof matcher === 'string' ? value !== matcher : !matchesWhole(matcher.regex, value)) return false;
  }
  return true;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}


function addDestinations(decision: RouteDecisionJson, target: Record<Platform, string[]>, via: string, group?: GroupJson) {
  for (const platform of PLATFORMS) {
    for (const destination of target[platform]) addDestination(decision, platform, destination, via, group);
  }
}

function addDestination(decision: RouteDecisionJson, platform: Platform, destination: string, via: string, group?: GroupJson) {
  const seen = decision.destinations.some((d) => d.platform === platform && d.destination === destination);
  if (!seen) decision.destinations.push({ platform, destination, via, ...(group ? { group } : {}) });
}

/** The group the alert joins on a route with `groupBy`: the route's name and the alert's values of those labels. */
function groupOf(route: RouteConfig, alert: RoutableAlert): GroupJson | undefined {
  if (!route.groupBy) return undefined;
  const labels = Object.fromEntries(route.groupBy.map((name) => [name, fieldOf(alert, name) ?? '']));
  return { key: JSON.stringify([route.name, ...route.groupBy.map((name) => labels[name])]), labels, waitMs: route.groupWait, intervalMs: route.groupInterval };
}
