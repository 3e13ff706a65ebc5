import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { placeholderAs, retryingUniqueRaces, rowPlaceholders, statementsPerHandle, statementsPerRowCount, type Db, type Store } from '../db/store.js';
import type { SilenceRow } from '../db/schema.js';
import { decideRoute, type Routing, type SubscriptionRule } from '../routing/route.js';
import { silenceFor } from '../routing/silences.js';
import { planEscalation } from '../escalation/plan.js';
import type { AlertInput } from './input.js';
import { summariesToSync } from './summaries-to-sync.js';
import { deliveriesToSync, resolveFiring } from './message-sync.js';
import type { DeliveryWork, EscalationWork, SummaryWork } from '../shared/work.js';

export type AcceptOutcome =
  | { id: number; outcome: 'created'; deliveries: number }
  | { id: number; outcome: 'deduplicated'; count: number }
  | { id: number; outcome: 'resolved' }
  | { id: null; outcome: 'ignored'; reason: string };

export interface AcceptResult {
  results: AcceptOutcome[];
  work: DeliveryWork[];
  /** Storm summaries whose message shows an alert that changed. */
  summaries: SummaryWork[];
  escalations: EscalationWork[];
}

/** What routing consults besides the config, read once per batch. */
interface ChatRules {
  subscriptions: SubscriptionRule[];
  silences: SilenceRow[];
}

const p = sql.placeholder;

/** An alert's deliveries, one row per destination, in one statement; ids are given in row order, so sorted ids match the rows. */
const insertDeliveriesFor = statementsPerRowCount((db, { deliveries }, rows) =>
  db
    .insert(deliveries)
    .values(
      Array.from({ length: rows }, (_, i) => ({
        alertId: p('alertId'),
        platform: p(`platform_${i}`),
        destination: p(`destination_${i}`),
        state: p('state'),
        createdAt: p('now'),
      })),
    )
    .returning({ id: deliveries.id })
    .prepare(`accept.insertDeliveries.${rows}`),
);

const statementsFor = statementsPerHandle((db, { alerts, silences, subscriptions }) => ({
  findFiring: db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(eq(alerts.dedupKey, p('dedupKey')), eq(alerts.status, 'firing')))
    .limit(1)
    .prepare('accept.findFiring'),
  insertAlert: db
    .insert(alerts)
    .values({
      severity: p('severity'),
      title: p('title'),
      body: p('body'),
      service: p('service'),
      labels: p('labels'),
      dedupKey: p('dedupKey'),
      source: p('source'),
      link: p('link'),
      status: 'firing',
      route: p('route'),
      firedAt: p('now'),
      lastSeenAt: p('now'),
      acceptedAt: p('now'),
      silenceId: p('silenceId'),
    })
    .returning({ id: alerts.id, revision: alerts.revision })
    .prepare('accept.insertAlert'),
  bump: db
    .update(alerts)
    .set({ count: sql`${alerts.count} + 1`, revision: sql`${alerts.revision} + 1`, lastSeenAt: placeholderAs(alerts.lastSeenAt, 'now') })
    .where(eq(alerts.id, p('id')))
    .returning({ count: alerts.count, revision: alerts.revision })
    .prepare('accept.bump'),
  subscriptions: db.select().from(subscriptions).orderBy(subscriptions.id).prepare('accept.subscriptions'),
  activeSilences: db
    .select()
    .from(silences)
    .where(and(isNull(silences.removedAt), gt(silences.endsAt, placeholderAs(silences.endsAt, 'now'))))
    .orderBy(silences.id)
    .prepare('accept.activeSilences'),
}));

/**
 * Stores batches of alerts and their planned deliveries, each batch in one transaction, through
 * statements prepared once per handle. When `accept` returns, every alert is durable; the returned
 * work only needs enqueueing.
 */
export class AlertAcceptor {
  constructor(private readonly store: Store) {}

  /** In a transaction of its own, run again when another instance stored a firing alert with one of the dedup keys first. */
  accept(routing: Routing, inputs: AlertInput[], now = new Date()): Promise<AcceptResult> {
    return retryingUniqueRaces(() => this.store.transaction((tx) => this.acceptIn(tx, routing, inputs, now)), () => undefined);
  }

  /** The same, inside the caller's transaction `tx`, for a caller that commits more work with the batch. */
  async acceptIn(tx: Db, routing: Routing, inputs: AlertInput[], now = new Date()): Promise<AcceptResult> {
    const statements = statementsFor(this.store, tx);
    const result: AcceptResult = { results: [], work: [], summaries: [], escalations: [] };
    const rules: ChatRules = {
      subscriptions: await statements.subscriptions.execute(),
      silences: await statements.activeSilences.execute({ now }),
    };
    for (const input of inputs) {
      const [firing] = input.dedupKey ? await statements.findFiring.execute({ dedupKey: input.dedupKey }) : [];
      if (input.status === 'resolved') {
        result.results.push(firing ? await this.resolve(tx, firing.id, input, now, result) : ignoredResolution(input));
      } else if (firing) {
        result.results.push(await this.bump(tx, firing.id, now, result));
      } else {
        result.results.push(await this.create(tx, routing, rules, input, now, result));
      }
    }
    return result;
  }

  /** A new alert: routed (config routes and chat subscriptions), held back by a matching silence, its escalation planned. */
  private async create(tx: Db, routing: Routing, rules: ChatRules, input: AlertInput, now: Date, result: AcceptResult): Promise<AcceptOutcome> {
    const statements = statementsFor(this.store, tx);
    const labels = input.labels ?? {};
    const service = input.service ?? null;
    const routable = { severity: input.severity, service, labels };
    const route = decideRoute(routable, routing, rules.subscriptions);
    const silence = silenceFor(rules.silences, routable);
    const [alert] = await statements.insertAlert.execute({
      severity: input.severity,
      title: input.title,
      body: input.body ?? null,
      service,
      labels,
      dedupKey: input.dedupKey ?? null,
      source: input.source ?? null,
      link: input.link ?? null,
      route,
      now,
      silenceId: silence?.id ?? null,
    });
    const { id, revision } = alert!;
    const state = silence ? 'silenced' : 'pending';
    const inserted = route.destinations.length === 0 ? [] : await insertDeliveriesFor(this.store, tx, route.destinations.length).execute({ alertId: id, state, now, ...rowPlaceholders(route.destinations.map(({ platform, destination }) => ({ platform, destination }))) });
    const planned = inserted.sort((a, b) => a.id - b.id);
    if (!silence) {
      route.destinations.forEach(({ platform, destination }, i) => result.work.push({ deliveryId: planned[i]!.id, revision, platform, destination, planned: true }));
    }
    const policy = route.escalation ? routing.escalation?.policies[route.escalation] : undefined;
    if (!silence && route.escalation && policy) {
      result.escalations.push(...(await planEscalation(this.store, tx, id, route.escalation, policy, now)));
    }
    return { id, outcome: 'created', deliveries: route.destinations.length };
  }

  private async bump(tx: Db, alertId: number, now: Date, result: AcceptResult): Promise<AcceptOutcome> {
    const [updated] = await statementsFor(this.store, tx).bump.execute({ id: alertId, now });
    await this.planSync(tx, alertId, updated!.revision, result);
    return { id: alertId, outcome: 'deduplicated', count: updated!.count };
  }

  private async resolve(tx: Db, alertId: number, input: AlertInput, now: Date, result: AcceptResult): Promise<AcceptOutcome> {
    const { alert } = await resolveFiring(this.store, tx, alertId, input.source ?? 'api', 'resolved', now);
    await this.planSync(tx, alertId, alert.revision, result);
    return { id: alertId, outcome: 'resolved' };
  }

  /** Every message that shows the alert gets brought up to date: its own messages and the storm summaries it is in. */
  private async planSync(tx: Db, alertId: number, revision: number, result: AcceptResult): Promise<void> {
    result.work.push(...(await deliveriesToSync(this.store, tx, alertId, revision)));
    result.summaries.push(...(await summariesToSync(this.store, tx, alertId)));
  }
}

function ignoredResolution(input: AlertInput): AcceptOutcome {
  const reason = input.dedupKey
    ? `no firing alert has dedupKey ${JSON.stringify(input.dedupKey)}`
    : 'a resolution needs the dedupKey of the alert it resolves';
  return { id: null, outcome: 'ignored', reason };
}
