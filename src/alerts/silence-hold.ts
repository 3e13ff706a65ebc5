import { and, eq, gt, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { alerts, deliveries, silences, type SilenceMatcherJson, type SilenceRow } from '../db/schema.js';
import type { EscalationConfig } from '../config/escalation-schema.js';
import { cancelEscalation, planEscalation } from '../escalation/plan.js';
import { activeSilences, silenceFor } from '../routing/silences.js';
import { matchesAll } from '../routing/matchers.js';
import type { DeliveryWork, EscalationWork } from '../shared/work.js';

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
export function createSilence(db: Db, input: NewSilence, now = new Date()): { silence: SilenceRow; held: number } {
  return db.transaction((tx) => {
    const silence = tx
      .insert(silences)
      .values({
        matchers: input.matchers,
        reason: input.reason,
        createdBy: input.createdBy,
        createdAt: now,
        endsAt: new Date(now.getTime() + input.durationMs),
      })
      .returning()
      .get();
    const firing = tx
      .select()
      .from(alerts)
      .where(and(eq(alerts.status, 'firing'), isNull(alerts.silenceId)))
      .all()
      .filter((alert) => matchesAll(silence.matchers, alert));
    for (const alert of firing) {
      tx.update(alerts).set({ silenceId: silence.id }).where(eq(alerts.id, alert.id)).run();
      tx.update(deliveries)
        .set({ state: 'silenced' })
        .where(and(eq(deliveries.alertId, alert.id), eq(deliveries.state, 'pending')))
        .run();
      cancelEscalation(tx, alert.id, `silenced by silence #${silence.id}`, now);
    }
    return { silence, held: firing.length };
  });
}

/** Ends a silence early; false when it does not exist or has already ended. */
export function removeSilence(db: Db, id: number, removedBy: string, now = new Date()): SilenceRow | undefined {
  return db
    .update(silences)
    .set({ removedAt: now, removedBy })
    .where(and(eq(silences.id, id), isNull(silences.removedAt), gt(silences.endsAt, now)))
    .returning()
    .get();
}

export interface ReleasedWork {
  released: number;
  deliveries: DeliveryWork[];
  escalations: EscalationWork[];
}

/**
 * Lets go of alerts whose silence has ended: one still firing and matched by no other silence
 * gets its held deliveries posted and its escalation planned afresh from now.
 */
export function releaseEndedSilences(db: Db, escalation: EscalationConfig, now = new Date()): ReleasedWork {
  return db.transaction((tx) => {
    const work: ReleasedWork = { released: 0, deliveries: [], escalations: [] };
    const active = activeSilences(tx, now);
    const activeIds = active.map((s) => s.id);
    const held = tx
      .select()
      .from(alerts)
      .where(and(isNotNull(alerts.silenceId), eq(alerts.status, 'firing')))
      .all()
      .filter((alert) => !activeIds.includes(alert.silenceId!));
    for (const alert of held) {
      const other = silenceFor(active, alert);
      if (other) {
        tx.update(alerts).set({ silenceId: other.id }).where(eq(alerts.id, alert.id)).run();
        continue;
      }
      tx.update(alerts).set({ silenceId: null }).where(eq(alerts.id, alert.id)).run();
      const freed = tx
        .update(deliveries)
        .set({ state: 'pending' })
        .where(and(eq(deliveries.alertId, alert.id), eq(deliveries.state, 'silenced')))
        .returning({ id: deliveries.id, platform: deliveries.platform, destination: deliveries.destination })
        .all();
      for (const { id, platform, destination } of freed) {
        work.deliveries.push({ deliveryId: id, revision: alert.revision, platform, destination, planned: true });
      }
      const policyName = alert.route.escalation;
      const policy = policyName ? escalation.policies[policyName] : undefined;
      if (policyName && policy && alert.ackedAt === null) {
        work.escalations.push(...planEscalation(tx, alert.id, policyName, policy, now));
      }
      work.released++;
    }
    tx.update(alerts)
      .set({ silenceId: null })
      .where(and(isNotNull(alerts.silenceId), eq(alerts.status, 'resolved')))
      .run();
    return work;
  });
}
