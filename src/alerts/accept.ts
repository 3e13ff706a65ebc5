import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { inChunks, placeholderAs, retryingUniqueRaces, rowPlaceholders, statementsPerHandle, statementsPerRowCount, type Db, type Store } from '../db/store.js';
import type { RouteDecisionJson, SilenceRow } from '../db/schema.js';
import { decideRoute, type Routing, type SubscriptionRule } from '../routing/route.js';
import type { RoutableAlert } from '../routing/matchers.js';
import { inhibitNewAlerts } from './inhibition-hold.js';
import { joinGroups } from './group-join.js';
import { silenceFor } from '../routing/silences.js';
import { planEscalations, type LadderPlan } from '../escalation/plan.js';
import type { AlertInput, FiringInput } from './input.js';
import { summariesToSync } from './summaries-to-sync.js';
import { deliveriesToSync, resolveFiring } from './message-sync.js';
import type { DeliveryWork, EscalationWork, SummaryWork } from '../shared/work.js';

export type AcceptOutcome =
  | { id: number; outcome: 'created'; deliveries: number; inhibitedBy?: number }
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

/** Rows per multi-row insert: at most 14 placeholders an alert row, far below either dialect's limit. */
const ALERT_ROWS_PER_INSERT = 50;
const DELIVERY_ROWS_PER_INSERT = 100;

/** New alerts in one statement; ids are given in row order, so sorted ids match the rows. */
const insertAlertsFor = statementsPerRowCount((db, { alerts }, rows) =>
  db
    .insert(alerts)
    .values(
      Array.from({ length: rows }, (_, i) => ({
        severity: p(`severity_${i}`),
        title: p(`title_${i}`),
        body: p(`body_${i}`),
        service: p(`service_${i}`),
        labels: p(`labels_${i}`),
        dedupKey: p(`dedupKey_${i}`),
        source: p(`source_${i}`),
        link: p(`link_${i}`),
        status: 'firing' as const,
        route: p(`route_${i}`),
        firedAt: p('now'),
        lastSeenAt: p('now'),
        acceptedAt: p('now'),
        silenceId: p(`silenceId_${i}`),
      })),
    )
    .returning({ id: alerts.id, revision: alerts.revision })
    .prepare(`accept.insertAlerts.${rows}`),
);

/** Deliveries of any alerts in one statement, one row per alert × destination, ids in row order. */
const insertDeliveriesFor = statementsPerRowCount((db, { deliveries }, rows) =>
  db
    .insert(deliveries)
    .values(
      Array.from({ length: rows }, (_, i) => ({
        alertId: p(`alertId_${i}`),
        platform: p(`platform_${i}`),
        destination: p(`destination_${i}`),
        state: p(`state_${i}`),
        summaryId: p(`summaryId_${i}`),
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

/** The firing alerts with these dedup keys, by key, in statements of at most 500 keys. */
async function firingByKey(store: Store, tx: Db, keys: string[]): Promise<Map<string, number>> {
  const { alerts } = store.t;
  const rows = await inChunks(keys, 500, (chunk) =>
    tx.select({ id: alerts.id, dedupKey: alerts.dedupKey }).from(alerts).where(and(inArray(alerts.dedupKey, chunk), eq(alerts.status, 'firing'))),
  );
  return new Map(rows.map((row) => [row.dedupKey!, row.id]));
}

/** Inserted rows in id order: a multi-row insert gives ids in row order, so this is the order of the rows given. */
const byId = <R extends { id: number }>(rows: R[]) => rows.sort((a, b) => a.id - b.id);

/** A new alert of the batch, routed and checked against the silences, before it is stored. */
interface NewAlert {
  index: number;
  input: FiringInput;
  route: RouteDecisionJson;
  silence: SilenceRow | undefined;
}

/** What one input of a batch led to, kept apart so the batch's work comes out in input order. */
interface InputWork {
  outcome?: AcceptOutcome;
  work: DeliveryWork[];
  summaries: SummaryWork[];
  escalations: EscalationWork[];
}

/**
 * Stores batches of alerts and their planned deliveries, each batch in one transaction. The new
 * alerts of a batch, their deliveries and their escalation steps go in a few multi-row statements;
 * repeats and resolutions of firing alerts are found with one lookup of the batch's dedup keys.
 * When `accept` returns, every alert is durable; the returned work only needs enqueueing.
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
    const rules: ChatRules = {
      subscriptions: await statements.subscriptions.execute(),
      silences: await statements.activeSilences.execute({ now }),
    };
    const pieces: InputWork[] = inputs.map(() => ({ work: [], summaries: [], escalations: [] }));
    const keys = inputs.flatMap((input) => (input.dedupKey ? [input.dedupKey] : []));
    if (new Set(keys).size < keys.length) {
      for (const [i, input] of inputs.entries()) pieces[i]!.outcome = await this.acceptOne(tx, routing, rules, input, now, pieces[i]!);
    } else {
      const firing = await firingByKey(this.store, tx, keys);
      const created: NewAlert[] = [];
      for (const [index, input] of inputs.entries()) {
        const firingId = input.dedupKey ? firing.get(input.dedupKey) : undefined;
        if (input.status === 'resolved') pieces[index]!.outcome = firingId ? await this.resolve(tx, routing, firingId, input, now, pieces[index]!) : ignoredResolution(input);
        else if (firingId !== undefined) pieces[index]!.outcome = await this.bump(tx, firingId, now, pieces[index]!);
        else created.push(this.decide(routing, rules, input, index));
      }
      await this.create(tx, routing, created, now, pieces);
    }
    return {
      results: pieces.map((piece) => piece.outcome!),
      work: pieces.flatMap((piece) => piece.work),
      summaries: pieces.flatMap((piece) => piece.summaries),
      escalations: pieces.flatMap((piece) => piece.escalations),
    };
  }

  /**
   * One input at a time, for a batch that names a dedup key twice: each sees what the ones before it
   * stored (the second repeats the first, a resolution resolves it).
   */
  private async acceptOne(tx: Db, routing: Routing, rules: ChatRules, input: AlertInput, now: Date, piece: InputWork): Promise<AcceptOutcome> {
    const [firing] = input.dedupKey ? await statementsFor(this.store, tx).findFiring.execute({ dedupKey: input.dedupKey }) : [];
    if (input.status === 'resolved') return firing ? this.resolve(tx, routing, firing.id, input, now, piece) : ignoredResolution(input);
    if (firing) return this.bump(tx, firing.id, now, piece);
    await this.create(tx, routing, [this.decide(routing, rules, input, 0)], now, [piece]);
    return piece.outcome!;
  }

  /** A new alert's route (config routes and chat subscriptions) and the silence that holds it back, if any. */
  private decide(routing: Routing, rules: ChatRules, input: FiringInput, index: number): NewAlert {
    const routable = routableOf(input);
    return { index, input, route: decideRoute(routable, routing, rules.subscriptions), silence: silenceFor(rules.silences, routable) };
  }

  /**
   * New alerts, their deliveries (held back by a silence or an inhibition) and their escalation
   * ladders, each kind in multi-row statements.
   */
  private async create(tx: Db, routing: Routing, created: NewAlert[], now: Date, pieces: InputWork[]): Promise<void> {
    if (created.length === 0) return;
    const alertRows = created.map(({ input, route, silence }) => ({
      severity: input.severity,
      title: input.title,
      body: input.body ?? null,
      service: input.service ?? null,
      labels: input.labels ?? {},
      dedupKey: input.dedupKey ?? null,
      source: input.source ?? null,
      link: input.link ?? null,
      route,
      silenceId: silence?.id ?? null,
    }));
    const stored = byId(await inChunks(alertRows, ALERT_ROWS_PER_INSERT, (chunk) => insertAlertsFor(this.store, tx, chunk.length).execute(rowPlaceholders(chunk, { now }))));
    const inhibitors = await inhibitNewAlerts(
      this.store,
      tx,
      routing.inhibitRules ?? [],
      created.map(({ input, silence }, k) => (silence ? null : { id: stored[k]!.id, ...routableOf(input) })),
    );
    const holdOf = (k: number) => (created[k]!.silence ? 'silenced' : inhibitors[k] !== undefined ? 'inhibited' : null);
    const { groupOf, work: groupWork } = await joinGroups(this.store, tx, created.map(({ route }, k) => (holdOf(k) === null ? route.destinations : null)), now);
    for (const { alert, work } of groupWork) pieces[created[alert]!.index]!.summaries.push(work);
    const deliveryRows = created.flatMap(({ route }, k) =>
      route.destinations.map(({ platform, destination }, d) => {
        const summaryId = groupOf.get(`${k}/${d}`) ?? null;
        return { alertId: stored[k]!.id, platform, destination, state: holdOf(k) ?? (summaryId === null ? 'pending' : 'summarized'), summaryId };
      }),
    );
    const deliveries = byId(await inChunks(deliveryRows, DELIVERY_ROWS_PER_INSERT, (chunk) => insertDeliveriesFor(this.store, tx, chunk.length).execute(rowPlaceholders(chunk, { now }))));
    const ladders: LadderPlan[] = [];
    let next = 0;
    for (const [k, { index, route }] of created.entries()) {
      const { id, revision } = stored[k]!;
      const piece = pieces[index]!;
      const planned = deliveries.slice(next, next + route.destinations.length);
      next += route.destinations.length;
      const held = holdOf(k) !== null;
      route.destinations.forEach(({ platform, destination }, d) => {
        if (!held && !groupOf.has(`${k}/${d}`)) piece.work.push({ deliveryId: planned[d]!.id, revision, platform, destination, planned: true });
      });
      const policy = route.escalation ? routing.escalation?.policies[route.escalation] : undefined;
      if (!held && route.escalation && policy) ladders.push({ alertId: id, policyName: route.escalation, policy, from: now });
      piece.outcome = { id, outcome: 'created', deliveries: route.destinations.length, ...(inhibitors[k] !== undefined ? { inhibitedBy: inhibitors[k] } : {}) };
    }
    const pieceOf = new Map(created.map(({ index }, k) => [stored[k]!.id, pieces[index]!]));
    for (const step of await planEscalations(this.store, tx, ladders)) pieceOf.get(step.alertId)!.escalations.push(step);
  }

  private async bump(tx: Db, alertId: number, now: Date, piece: InputWork): Promise<AcceptOutcome> {
    const [updated] = await statementsFor(this.store, tx).bump.execute({ id: alertId, now });
    await this.planSync(tx, alertId, updated!.revision, piece);
    return { id: alertId, outcome: 'deduplicated', count: updated!.count };
  }

  private async resolve(tx: Db, routing: Routing, alertId: number, input: AlertInput, now: Date, piece: InputWork): Promise<AcceptOutcome> {
    const { alert, released } = await resolveFiring(this.store, tx, alertId, input.source ?? 'api', 'resolved', routing, now);
    await this.planSync(tx, alertId, alert.revision, piece);
    piece.work.push(...released.deliveries);
    piece.escalations.push(...released.escalations);
    return { id: alertId, outcome: 'resolved' };
  }

  /** Every message that shows the alert gets brought up to date: its own messages and the storm summaries it is in. */
  private async planSync(tx: Db, alertId: number, revision: number, piece: InputWork): Promise<void> {
    piece.work.push(...(await deliveriesToSync(this.store, tx, alertId, revision)));
    piece.summaries.push(...(await summariesToSync(this.store, tx, alertId)));
  }
}

function routableOf(input: FiringInput): RoutableAlert {
  return { severity: input.severity, service: input.service ?? null, labels: input.labels ?? {} };
}

function ignoredResolution(input: AlertInput): AcceptOutcome {
  const reason = input.dedupKey
    ? `no firing alert has dedupKey ${JSON.stringify(input.dedupKey)}`
    : 'a resolution needs the dedupKey of the alert it resolves';
  return { id: null, outcome: 'ignored', reason };
}
