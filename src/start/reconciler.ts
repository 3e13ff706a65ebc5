import type { Logger } from 'pino';
import type { Worker } from 'bullmq';
import type { FileConfig } from '../config/file-schema.js';
import { reconcile, type ReconcileReport } from '../delivery/reconcile.js';
import { reconcileEscalations } from '../escalation/reconcile.js';
import { releaseEndedSilencesTo } from '../alerts/silence-hold.js';
import type { TriggerEngine } from '../triggers/engine.js';
import type { WorkSink } from '../shared/work.js';
import type { HeartbeatChecks } from '../../jobs/heartbeat-check.js';
import { scheduleReconcile } from '../../jobs/reconcile.js';
import type { Foundation } from './foundation.js';
import type { Delivery } from './delivery.js';
import type { Cluster } from './cluster.js';

export interface Reconciler {
  /**
   * Re-enqueues unfinished work when this instance leads (undefined when it does not); `all` also
   * re-plans escalation steps not yet due (when it is elected and after Redis lost its keys).
   */
  sweep(escalationScope: 'all' | 'overdue'): Promise<ReconcileReport | undefined>;
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
 * The reconciler runs on the leader alone: elected, it sweeps everything unfinished (what the
 * instance before it left behind) and takes the 30 s schedule's jobs, sweeping what is overdue;
 * deposed, it stops taking them. Alerts whose silence ended while its job was lost are released
 * first, fenced by the lease so a leader that lost it meanwhile writes nothing.
 */
export async function startReconciler(base: Foundation, file: FileConfig, parts: SweptParts, cluster: Cluster, log: Logger): Promise<Reconciler> {
  const { election } = cluster;
  const sweep = async (escalationScope: 'all' | 'overdue') => {
    if (!election.leading) return undefined;
    const report = await reconcile(base.store, parts.delivery.followUps, parts.delivery.platforms);
    if (report.destinationsWithPending + report.unfinishedDeliveries + report.pendingSummaries + report.staleSummaries > 0) {
      log.info(report, 'reconciler re-enqueued unfinished delivery work');
    }
    const now = new Date();
    const released = await releaseEndedSilencesTo(parts.sink, base.store, file.escalation, now, (tx) => election.fence(tx));
    const escalations = await reconcileEscalations(base.store, parts.sink, escalationScope, now);
    if (released.released > 0) log.info({ ...escalations, releasedAlerts: released.released }, 'reconciler released alerts whose silence ended');
    await parts.heartbeatChecks.check();
    await parts.triggers.sweep();
    return report;
  };
  const schedule = await scheduleReconcile(base.connections, base.prefix, () => sweep('overdue'), log);
  let worker: Worker | undefined;
  await cluster.leadership.add({
    name: 'reconciler',
    lead: async () => {
      await sweep('all');
      worker ??= schedule.startWorker();
    },
    follow: async () => {
      const leaving = worker;
      worker = undefined;
      await leaving?.close();
    },
  });
  return {
    sweep,
    ensureSchedule: schedule.ensureSchedule,
    async stop() {
      const leaving = worker;
      worker = undefined;
      await leaving?.close();
      await schedule.queue.close();
    },
  };
}
