import { and, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { SilenceMatcherJson, SilenceRow } from '../db/schema.js';
import type { EscalationConfig } from '../config/escalation-schema.js';
import { cancelEscalation } from '../escalation/plan.js';
import { noReleasedWork, releaseHeld, type ReleasedWork } from './hold-release.js';
import { activeSilences, silenceFor } from '../routing/silences.js';
import { matchesAll } from '../routing/matchers.js';
import type { WorkSink } from '../shared/work.js';

/*
 * What a silence does to alerts: holds back the deliveries and escalation of the alerts it matches,
 * and lets them go when it ends. Which alerts a silence matches is routing's (src/routing/silences.ts).
 */

export interface NewSilence {
  matchers: SilenceMatcherJson[];
  durationMs: number;
  reason: string | null;
  createdBy: string;
}

/**
 * Stores a silence and holds back what it matches right away: firing alerts not yet posted keep
 * their deliveries unsent, and their pending escalation steps stop.
 */
export function createSilence(store: Store, input: NewSilence, now = new Date()): Promise<{ silence: SilenceRow; held: number }> {
  const { alerts, deliveries, silences } = store.t;
  return store.transaction(async (tx) => {
    const [silence] = await tx
      .insert(silences)
      .values({
        matchers: input.matchers,
        reason: input.reason,
        createdBy: input.createdBy,
        createdAt: now,
        endsAt: new Date(now.getTime() + input.durationMs),
      })
      .returning();
    const unheld = await forUpdate(tx.select().from(alerts).where(and(eq(alerts.status, 'firing'), isNull(alerts.silenceId))).orderBy(alerts.id));
    const firing = unheld.filter((alert) => matchesAll(silence!.matchers, alert));
    for (const alert of firing) {
      await tx.update(alerts).set({ silenceId: silence!.id }).where(eq(alerts.id, alert.id));
      await tx
        .update(deliveries)
        .set({ state: 'silenced' })
        .where(and(eq(deliveries.alertId, alert.id), eq(deliveries.state, 'pending')));
      await cancelEscalation(store, tx, alert.id, `silenced by silence #${silence!.id}`, now);
    }
    return { silence: silence!, held: firing.length };
  });
}

/** Ends a silence early; undefined when it does not exist or has already ended. */
export async function removeSilence(store: Store, id: number, removedBy: string, now = new Date()): Promise<SilenceRow | undefined> {
  const { silences } = store.t;
  const [removed] = await store.transaction((tx) =>
    tx
      .update(silences)
      .set({ removedAt: now, removedBy })
      .where(and(eq(silences.id, id), isNull(silences.removedAt), gt(silences.endsAt, now)))
      .returning(),
  );
  return removed;
}

/** Checked inside the transaction before it writes: false when the caller may no longer act (a leader that lost its lease). */
export type Fence = (tx: Db) => Promise<boolean>;

/**
 * Releases what ended silences held and hands it over at once: the held deliveries and the first
 * step of each restarted escalation (a step planned here and not queued would wait for the overdue sweep).
 */
export async function releaseEndedSilencesTo(sink: WorkSink, store: Store, escalation: EscalationConfig, now = new Date(), fence?: Fence): Promise<ReleasedWork> {
  const released = await releaseEndedSilences(store, escalation, now, fence);
  await sink.deliveries(released.deliveries);
  await sink.escalations(released.escalations);
  return released;
}

/**
 * Lets go of alerts whose silence has ended: one still firing and matched by no other silence
 * gets its held deliveries posted and its escalation planned afresh from now.
 */
export function releaseEndedSilences(store: Store, escalation: EscalationConfig, now = new Date(), fence?: Fence): Promise<ReleasedWork> {
  const { alerts } = store.t;
  return store.transaction(async (tx) => {
    const work = noReleasedWork();
    if (fence && !(await fence(tx))) return work;
    const active = await activeSilences(store, tx, now);
    const activeIds = active.map((s) => s.id);
    const silenced = await forUpdate(tx.select().from(alerts).where(and(isNotNull(alerts.silenceId), eq(alerts.status, 'firing'))).orderBy(alerts.id));
    for (const alert of silenced.filter((a) => !activeIds.includes(a.silenceId!))) {
      const other = silenceFor(active, alert);
      if (other) await tx.update(alerts).set({ silenceId: other.id }).where(eq(alerts.id, alert.id));
      else {
        await tx.update(alerts).set({ silenceId: null }).where(eq(alerts.id, alert.id));
        await releaseHeld(store, tx, { ...alert, silenceId: null }, 'silenced', escalation, now, work);
      }
    }
    await tx
      .update(alerts)
      .set({ silenceId: null })
      .where(and(isNotNull(alerts.silenceId), eq(alerts.status, 'resolved')));
    return work;
  });
}
