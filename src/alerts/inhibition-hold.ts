import { and, eq } from 'drizzle-orm';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { InhibitRule } from '../config/inhibit-schema.js';
import { inhibitorOf, mayBeInhibited, mayInhibit, type InhibitingAlert } from '../routing/inhibition.js';
import type { Routing } from '../routing/route.js';
import { noReleasedWork, releaseHeld, type ReleasedWork } from './hold-release.js';

/*
 * What an inhibition does to alerts: a new alert that a firing source inhibits is stored with its
 * deliveries `inhibited` and no escalation; when the source resolves, it is posted if it still fires
 * and no other source inhibits it. Which source inhibits which alert is routing's (src/routing/inhibition.ts).
 */

/** What deciding and releasing inhibitions needs from the config. */
export type Inhibition = Pick<Routing, 'inhibitRules' | 'escalation'>;

/** The firing alerts that may inhibit others under `rules`, read in the caller's transaction (none without rules). */
export async function firingSources(store: Store, tx: Db, rules: InhibitRule[]): Promise<InhibitingAlert[]> {
  if (rules.length === 0) return [];
  const { alerts } = store.t;
  const firing = await tx
    .select({ id: alerts.id, severity: alerts.severity, service: alerts.service, labels: alerts.labels })
    .from(alerts)
    .where(eq(alerts.status, 'firing'))
    .orderBy(alerts.id);
  return firing.filter((alert) => mayInhibit(rules, alert));
}

/**
 * Inside the intake transaction, after the new alerts are stored: the firing alert that inhibits each
 * of them (null: a silence holds it, so no inhibition is decided), recorded on the alert. Sources are
 * every firing alert, the batch's own included, so a source and its targets may come in one request.
 */
export async function inhibitNewAlerts(store: Store, tx: Db, rules: InhibitRule[], created: Array<InhibitingAlert | null>): Promise<Array<number | undefined>> {
  const inhibitors: Array<number | undefined> = created.map(() => undefined);
  const candidates = created.flatMap((alert, k) => (alert && mayBeInhibited(rules, alert) ? [k] : []));
  if (candidates.length === 0) return inhibitors;
  const sources = await firingSources(store, tx, rules);
  const { alerts } = store.t;
  for (const k of candidates) {
    const found = inhibitorOf(rules, sources, created[k]!);
    if (!found) continue;
    inhibitors[k] = found.source.id;
    await tx.update(alerts).set({ inhibitedBy: found.source.id }).where(eq(alerts.id, created[k]!.id));
  }
  return inhibitors;
}

/**
 * Inside the transaction that resolved `sourceId`: the firing alerts it inhibited pass to another
 * source that inhibits them, or are let go (posted, their escalation started from now).
 */
export async function releaseInhibitedBy(store: Store, tx: Db, sourceId: number, inhibition: Inhibition, now: Date): Promise<ReleasedWork> {
  const { alerts } = store.t;
  const work = noReleasedWork();
  const held = await forUpdate(tx.select().from(alerts).where(and(eq(alerts.inhibitedBy, sourceId), eq(alerts.status, 'firing'))).orderBy(alerts.id));
  if (held.length === 0) return work;
  const rules = inhibition.inhibitRules ?? [];
  const sources = await firingSources(store, tx, rules);
  for (const alert of held) {
    const other = inhibitorOf(rules, sources, alert)?.source.id ?? null;
    await tx.update(alerts).set({ inhibitedBy: other }).where(eq(alerts.id, alert.id));
    if (other === null) await releaseHeld(store, tx, { ...alert, inhibitedBy: null }, 'inhibited', inhibition.escalation, now, work);
  }
  return work;
}
