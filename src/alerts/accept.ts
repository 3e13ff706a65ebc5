import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries } from '../db/schema.js';
import { decideRoute } from '../routing/route.js';
import type { FileConfig } from '../config/file-schema.js';
import type { Platform } from '../channels/types.js';
import type { AlertInput } from './input.js';

export type AcceptOutcome =
  | { id: number; outcome: 'created'; deliveries: number }
  | { id: number; outcome: 'deduplicated'; count: number }
  | { id: number; outcome: 'resolved' }
  | { id: null; outcome: 'ignored'; reason: string };

/** A delivery whose chat message must be posted or brought up to date with its alert. */
export interface DeliveryWork {
  deliveryId: number;
  revision: number;
  platform: Platform;
  destination: string;
  /** Planned by this request (pending, never posted), as opposed to a posted message to bring up to date. */
  planned: boolean;
}

export interface AcceptResult {
  results: AcceptOutcome[];
  work: DeliveryWork[];
}

type Routing = Pick<FileConfig, 'routes' | 'defaultRoute'>;

const p = sql.placeholder;

function prepareStatements(db: Db) {
  return {
    findFiring: db
      .select({ id: alerts.id })
      .from(alerts)
      .where(and(eq(alerts.dedupKey, p('dedupKey')), eq(alerts.status, 'firing')))
      .limit(1)
      .prepare(),
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
      })
      .returning({ id: alerts.id, revision: alerts.revision })
      .prepare(),
    insertDelivery: db
      .insert(deliveries)
      .values({
        alertId: p('alertId'),
        platform: p('platform'),
        destination: p('destination'),
        state: 'pending',
        createdAt: p('now'),
      })
      .returning({ id: deliveries.id })
      .prepare(),
    bump: db
      .update(alerts)
      .set({ count: sql`${alerts.count} + 1`, revision: sql`${alerts.revision} + 1`, lastSeenAt: sql`${p('nowMs')}` })
      .where(eq(alerts.id, p('id')))
      .returning({ count: alerts.count, revision: alerts.revision })
      .prepare(),
    resolve: db
      .update(alerts)
      .set({
        status: 'resolved',
        resolvedAt: sql`${p('nowMs')}`,
        resolvedBy: sql`${p('by')}`,
        revision: sql`${alerts.revision} + 1`,
      })
      .where(eq(alerts.id, p('id')))
      .returning({ revision: alerts.revision })
      .prepare(),
    deliveriesToSync: db
      .select({ id: deliveries.id, platform: deliveries.platform, destination: deliveries.destination })
      .from(deliveries)
      .where(and(eq(deliveries.alertId, p('alertId')), inArray(deliveries.state, ['pending', 'sending', 'sent'])))
      .prepare(),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/**
 * Stores batches of alerts and their planned deliveries, each batch in one SQLite transaction,
 * through statements prepared once. When `accept` returns, every alert is durable; the returned
 * work only needs enqueueing.
 */
export class AlertAcceptor {
  private readonly statements: Statements;
  private readonly inTransaction: (routing: Routing, inputs: AlertInput[], now: Date) => AcceptResult;

  constructor(db: Db) {
    this.statements = prepareStatements(db);
    this.inTransaction = db.$client.transaction((routing: Routing, inputs: AlertInput[], now: Date) =>
      this.acceptAll(routing, inputs, now),
    );
  }

  accept(routing: Routing, inputs: AlertInput[], now = new Date()): AcceptResult {
    return this.inTransaction(routing, inputs, now);
  }

  private acceptAll(routing: Routing, inputs: AlertInput[], now: Date): AcceptResult {
    const result: AcceptResult = { results: [], work: [] };
    for (const input of inputs) {
      const firing = input.dedupKey ? this.statements.findFiring.get({ dedupKey: input.dedupKey })?.id : undefined;
      if (input.status === 'resolved') {
        result.results.push(firing !== undefined ? this.resolve(firing, input, now, result.work) : ignoredResolution(input));
      } else if (firing !== undefined) {
        result.results.push(this.bump(firing, now, result.work));
      } else {
        result.results.push(this.create(routing, input, now, result.work));
      }
    }
    return result;
  }

  private create(routing: Routing, input: AlertInput, now: Date, work: DeliveryWork[]): AcceptOutcome {
    const labels = input.labels ?? {};
    const service = input.service ?? null;
    const route = decideRoute({ severity: input.severity, service, labels }, routing);
    const alert = this.statements.insertAlert.get({
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
    })!;
    for (const { platform, destination } of route.destinations) {
      const planned = this.statements.insertDelivery.get({ alertId: alert.id, platform, destination, now })!;
      work.push({ deliveryId: planned.id, revision: alert.revision, platform, destination, planned: true });
    }
    return { id: alert.id, outcome: 'created', deliveries: route.destinations.length };
  }

  private bump(alertId: number, now: Date, work: DeliveryWork[]): AcceptOutcome {
    const updated = this.statements.bump.get({ id: alertId, nowMs: now.getTime() })!;
    this.planSync(alertId, updated.revision, work);
    return { id: alertId, outcome: 'deduplicated', count: updated.count };
  }

  private resolve(alertId: number, input: AlertInput, now: Date, work: DeliveryWork[]): AcceptOutcome {
    const updated = this.statements.resolve.get({ id: alertId, nowMs: now.getTime(), by: input.source ?? 'api' })!;
    this.planSync(alertId, updated.revision, work);
    return { id: alertId, outcome: 'resolved' };
  }

  /** Every delivery of the alert that has (or is about to have) its own message gets brought up to date. */
  private planSync(alertId: number, revision: number, work: DeliveryWork[]) {
    for (const { id, platform, destination } of this.statements.deliveriesToSync.all({ alertId })) {
      work.push({ deliveryId: id, revision, platform, destination, planned: false });
    }
  }
}

function ignoredResolution(input: AlertInput): AcceptOutcome {
  const reason = input.dedupKey
    ? `no firing alert has dedupKey ${JSON.stringify(input.dedupKey)}`
    : 'a resolution needs the dedupKey of the alert it resolves';
  return { id: null, outcome: 'ignored', reason };
}
