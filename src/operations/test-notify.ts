import { AlertAcceptor } from '../alerts/accept.js';
import type { RouteConfig } from '../config/file-schema.js';
import type { Routing } from '../routing/route.js';
import { PLATFORMS } from '../shared/types.js';
import type { Actor } from './actor.js';
import { audited } from './audited.js';
import type { StoreDeps } from './deps.js';
import type { TestNotifyResult } from './results.js';

/** Where a test alert goes: every destination of the route named, or of every route and the default route; never an escalation or a group. */
function testRouting(routing: Routing, routeName: string | undefined): Routing | undefined {
  const nowhere = Object.fromEntries(PLATFORMS.map((platform) => [platform, []])) as unknown as Routing['defaultRoute'];
  const everywhere = (route: RouteConfig): RouteConfig => ({ ...route, match: {}, continue: true, escalation: undefined, groupBy: undefined });
  if (routeName !== undefined) {
    const route = routing.routes.find((r) => r.name === routeName);
    return route ? { routes: [everywhere(route)], defaultRoute: nowhere } : undefined;
  }
  const asRoute: RouteConfig = { ...routing.defaultRoute, name: 'default', match: {}, continue: true, groupWait: 0, groupInterval: 0 };
  return { routes: [...routing.routes, asRoute].map(everywhere), defaultRoute: nowhere };
}

/**
 * Posts a test alert (INFO, no escalation) through the routes, rendered and paced like any other,
 * so a new setup shows what an alert looks like and that each chat gets it before a real one comes.
 * It stays firing so its Ack and Resolve buttons can be tried as well.
 */
export function testNotify(deps: StoreDeps & { routing: Routing }, routeName: string | undefined, actor: Actor, now = new Date()): Promise<TestNotifyResult> {
  return audited(actor, async (): Promise<TestNotifyResult> => {
    const routing = testRouting(deps.routing, routeName);
    if (!routing) return { kind: 'not-found', what: 'route', id: routeName! };
    const body = `Sent by ${actor.name} with test-notify${routeName ? ` through route ${routeName}` : ' through every route'}: this chat gets opsbot's alerts. Try its buttons, or resolve it with /resolve.`;
    const accepted = await new AlertAcceptor(deps.store).accept(
      routing,
      [{ severity: 'INFO', title: 'Test notification from opsbot', body, service: 'opsbot', labels: { opsbot_test: 'true' }, source: 'opsbot test-notify', status: 'firing' }],
      now,
    );
    await deps.sink.deliveries(accepted.work);
    return { kind: 'test-sent', alertId: accepted.results[0]!.id!, route: routeName ?? null, destinations: accepted.work.map(({ platform, destination }) => ({ platform, destination })) };
  });
}
