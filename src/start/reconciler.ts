import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import { reconcile, type ReconcileReport } from '../delivery/reconcile.js';
import { reconcileEscalations } from '../escalation/reconcile.js';
import { releaseEndedSilences } from '../alerts/silence-hold.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { WorkSink } from '../shared/work.js';
import type { HeartbeatChecks } from '../../jobs/heartbeat-check.js';
import { scheduleReconcile } from '../../jobs/reconcile.js';
import type { Foundation } from './foundation.js';
import type { Delivery } from './delivery.js';

export interface Reconciler {
  /** Re-enqueues unfinished work; `all` also re-plans escalation steps not yet due (at start-up and after Redis lost its keys). */
  sweep(escalationScope: 'all' | 'overdue'): Promise<ReconcileReport>;
  /** Puts the 30 s schedule back (after Redis lost it). */
  ensureSchedule(): Promise<void>;
  stop(): Promise<void>;
}

export interface SweptParts {
  delivery: Delivery;
  sink: WorkSink;
  heartbeatChecks: HeartbeatChecks;
  triggers: TriggerEngine;
}

/**
 * Sweeps once now (everything unfinished since the last run) and every 30 s after (what is overdue);
 * alerts whose silence ended while its job was lost are released first.
 */
export async function startReconciler(base: Foundation, file: FileConfig, parts: SweptParts, log: Logger): Promise<Reconciler> {
  const sweep = async (escalationScope: 'all' | 'overdue') => {
    const report = await reconcile(base.store, parts.delivery.followUps, parts.delivery.platforms);
    if (report.destinationsWithPending + report.unfinishedDeliveries + report.pendingSummaries + report.staleSummaries > 0) {
      log.info(report, 'reconciler re-enqueued unfinished delivery work');
    }
    const now = new Date();
    const released = await releaseEndedSilences(base.store, file.escalation, now);
    await parts.sink.deliveries(released.deliveries);
    const escalations = await reconcileEscalations(base.store, parts.sink, escalationScope, now);
    if (released.released > 0) log.info({ ...escalations, releasedAlerts: released.released }, 'reconciler released alerts whose silence ended');
    await parts.heartbeatChecks.check();
    await parts.triggers.sweep();
    return report;
  };
  await sweep('all');
  const periodic = await scheduleReconcile(base.connections, base.prefix, () => sweep('overdue'), log);
  return {
    sweep,
    ensureSchedule: periodic.ensureSchedule,
    async stop() {
      await periodic.worker.close();
      await periodic.queue.close();
    },
  };
}
