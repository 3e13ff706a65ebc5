import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, type AlertRow } from '../db/schema.js';
import { decideRoute, type Routing, type SubscriptionRule } from '../routing/route.js';
import { activeSilences, silenceFor } from '../routing/silences.js';
import { listSubscriptions } from '../routing/subscriptions.js';
import { cancelEscalation, planEscalation, type EscalationWork } from '../escalation/plan.js';
import type { Tx } from '../db/open.js';
import type { SilenceRow } from '../db/schema.js';
import type { AlertInput } from './input.js';
import { deliveriesToSync } from './lifecycle.js';

export type AcceptOutcome =
  | { id: number; outcome: 'created'; deliveries: number }
  | { id: number; outcome: 'deduplicated'; count: number }
  | { id: number; outcome: 'resolved' }
  | { id: null; outcome: 'ignored'; reason: string };

/** A delivery whose chat message must be posted or brought up to date with its alert. */
export interface DeliveryWork {
  deliveryId: number;
  revision: number;
}

export interface AcceptResult {
  results: AcceptOutcome[];
  work: DeliveryWork[];
  escalations: EscalationWork[];
}

/** What routing consults besides the config, read once per batch. */
interface ChatRules {
  subscriptions: SubscriptionRule[];
  silences: SilenceRow[];
}

/**
 * Stores a batch of alerts and their planned deliveries in one SQLite transaction.
 * When this returns, every alert is durable; the returned work only needs enqueueing.
 */
export function acceptAlerts(db: Db, routing: Routing, inputs: AlertInput[], now = new Date()): AcceptResult {
  return db.transaction((tx) => {
    const result: AcceptResult = { results: [], work: [], escalations: [] };
    const rules: ChatRules = { subscriptions: listSubscriptions(tx), silences: activeSilences(tx, now) };
    for (const input of inputs) {
      const firing = input.dedupKey ? findFiring(tx, input.dedupKey) : undefined;
      if (input.status === 'resolved') {
        result.results.push(firing ? resolve(tx, firing, input, now, result.work) : ignoredResolution(input));
      } else if (firing) {
        result.results.push(bump(tx, firing, now, result.work));
      } else {
        result.results.push(create(tx, routing, rules, input, now, result));
      }
    }
    return result;
  });
}

function findFiring(tx: Tx, dedupKey: string): AlertRow | undefined {
  return tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.dedupKey, dedupKey), eq(alerts.status, 'firing')))
    .limit(1)
    .get();
}

function create(tx: Tx, routing: Routing, rules: ChatRules, input: AlertInput, now: Date, result: AcceptResult): AcceptOutcome {
  const labels = input.labels ?? {};
  const service = input.service ?? null;
  const routable = { severity: input.severity, service, labels };
  const route = decideRoute(routable, routing, rules.subscriptions);
  const silence = silenceFor(rules.silences, routable);
  const alert = tx
    .insert(alerts)
    .values({
      severity: input.severity,
      title: input.title,
      body: input.body ?? null,
      service,
      labels,
      dedupKey: input.dedupKey ?? null,
      source: input.source ?? null,
      link: input.link ?? null,
      status: 'firing',
      route,
      firedAt: now,
      lastSeenAt: now,
      acceptedAt: now,
      silenceId: silence?.id ?? null,
    })
    .returning({ id: alerts.id, revision: alerts.revision })
    .get();
  if (route.destinations.length > 0) {
    const planned = tx
      .insert(deliveries)
      .values(
        route.destinations.map((d) => ({
          alertId: alert.id,
          platform: d.platform,
          destination: d.destination,
          state: silence ? ('silenced' as const) : ('pending' as const),
          createdAt: now,
        })),
      )
      .returning({ id: deliveries.id })
      .all();
    if (!silence) for (const { id } of planned) result.work.push({ deliveryId: id, revision: alert.revision });
  }
  const policy = route.escalation ? routing.escalation?.policies[route.escalation] : undefined;
  if (!silence && route.escalation && policy) {
    result.escalations.push(...planEscalation(tx, alert.id, route.escalation, policy, now));
  }
  return { id: alert.id, outcome: 'created', deliveries: route.destinations.length };
}

function bump(tx: Tx, alert: AlertRow, now: Date, work: DeliveryWork[]): AcceptOutcome {
  const updated = tx
    .update(alerts)
    .set({ count: sql`${alerts.count} + 1`, revision: sql`${alerts.revision} + 1`, lastSeenAt: now })
    .where(eq(alerts.id, alert.id))
    .returning({ count: alerts.count, revision: alerts.revision })
    .get();
  planSync(tx, alert.id, updated!.revision, work);
  return { id: alert.id, outcome: 'deduplicated', count: updated!.count };
}

function resolve(tx: Tx, alert: AlertRow, input: AlertInput, now: Date, work: DeliveryWork[]): AcceptOutcome {
  const updated = tx
    .update(alerts)
    .set({
      status: 'resolved',
      resolvedAt: now,
      resolvedBy: input.source ?? 'api',
      revision: sql`${alerts.revision} + 1`,
    })
    .where(eq(alerts.id, alert.id))
    .returning({ revision: alerts.revision })
    .get();
  cancelEscalation(tx, alert.id, 'resolved', now);
  planSync(tx, alert.id, updated!.revision, work);
  return { id: alert.id, outcome: 'resolved' };
}

function ignoredResolution(input: AlertInput): AcceptOutcome {
  const reason = input.dedupKey
    ? `no firing alert has dedupKey ${JSON.stringify(input.dedupKey)}`
    : 'a resolution needs the dedupKey of the alert it resolves';
  return { id: null, outcome: 'ignored', reason };
}

function planSync(tx: Tx, alertId: number, revision: number, work: DeliveryWork[]) {
  work.push(...deliveriesToSync(tx, alertId, revision));
}
