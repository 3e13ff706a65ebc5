import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Platform } from '../src/channels/types.js';
import type { DeliveryWork } from '../src/alerts/accept.js';
import type { SummaryWork } from '../src/alerts/summaries-to-sync.js';
import type { DeliveryContext, FollowUps, Step } from '../src/delivery/context.js';
import { processDelivery, processFlush, processSummary } from '../src/delivery/post.js';

export const DELIVER_QUEUE = 'deliver';

export type DeliverJob =
  | { kind: 'delivery'; deliveryId: number }
  | { kind: 'summary'; summaryId: number }
  | { kind: 'flush'; platform: Platform; destination: string };

/**
 * Short locks so that after a crash (SIGKILL) a stalled job is found and re-run within about
 * 8 s instead of BullMQ's default of up to a minute: the dead worker's lock expires after
 * WORKER_LOCK_MS, and a job is moved back to wait by the second stalled check that finds it
 * unlocked. A live worker renews its locks every WORKER_LOCK_MS / 2.
 */
export const WORKER_LOCK_MS = 4_000;
export const STALLED_CHECK_MS = 2_000;

const JOB_DEFAULTS = { removeOnComplete: true, removeOnFail: true } as const;

export function createDeliverQueue(connection: ConnectionOptions, prefix: string): Queue<DeliverJob> {
  return new Queue<DeliverJob>(DELIVER_QUEUE, { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
}

export const jobIds = {
  delivery: (deliveryId: number, revision: number) => `d${deliveryId}-r${revision}`,
  summary: (summaryId: number) => `s${summaryId}`,
  /** Bringing a posted summary up to a revision: one job per change, so a change during an edit is never lost. */
  summaryEdit: (summaryId: number, revision: number) => `s${summaryId}-r${revision}`,
  /** One flush per destination and pacing interval: reconciler sweeps within one interval share it. */
  flush: (platform: Platform, destination: string, slot: number) => `f-${platform}-${destination}-${slot}`,
  /** One flush per destination and intake request, named by the first delivery the request planned there. */
  intakeFlush: (platform: Platform, destination: string, firstDeliveryId: number) => `f-${platform}-${destination}-d${firstDeliveryId}`,
};

export function deliveryJob(work: Pick<DeliveryWork, 'deliveryId' | 'revision'>, delayMs = 0) {
  return {
    name: 'delivery',
    data: { kind: 'delivery', deliveryId: work.deliveryId } as DeliverJob,
    opts: { jobId: jobIds.delivery(work.deliveryId, work.revision), ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}

export function summaryEditJob(work: SummaryWork) {
  return {
    name: 'summary',
    data: { kind: 'summary', summaryId: work.summaryId } as DeliverJob,
    opts: { jobId: jobIds.summaryEdit(work.summaryId, work.revision) },
  };
}

function intakeFlushJob(platform: Platform, destination: string, firstDeliveryId: number) {
  return {
    name: 'flush',
    data: { kind: 'flush', platform, destination } as DeliverJob,
    opts: { jobId: jobIds.intakeFlush(platform, destination, firstDeliveryId) },
  };
}

/** A batch's new deliveries per destination, and whether they are more than the destination's burst. */
export function plannedByDestination(work: DeliveryWork[], burstFor: (platform: Platform, destination: string) => number) {
  const groups = new Map<string, DeliveryWork[]>();
  for (const w of work) {
    if (!w.planned) continue;
    const key = `${w.platform}\n${w.destination}`;
    const list = groups.get(key);
    if (list) list.push(w);
    else groups.set(key, [w]);
  }
  return [...groups.values()].map((planned) => ({
    planned,
    beyondBurst: planned.length > burstFor(planned[0]!.platform, planned[0]!.destination),
  }));
}

/**
 * The jobs for an intake request's work: a destination that received more new deliveries than its
 * burst gets one flush job (which posts or summarizes what waits there) instead of one job each;
 * updates of posted messages and small batches keep one delivery job each.
 */
export function intakeJobs(work: DeliveryWork[], burstFor: (platform: Platform, destination: string) => number) {
  const flushed = new Set<number>();
  const jobs = [];
  for (const { planned, beyondBurst } of plannedByDestination(work, burstFor)) {
    if (!beyondBurst) continue;
    const { platform, destination, deliveryId } = planned[0]!;
    jobs.push(intakeFlushJob(platform, destination, deliveryId));
    for (const w of planned) flushed.add(w.deliveryId);
  }
  for (const w of work) if (!flushed.has(w.deliveryId)) jobs.push(deliveryJob(w));
  return jobs;
}

export function queueFollowUps(queue: Queue<DeliverJob>, flushSlotMs: (platform: Platform, destination: string) => number): FollowUps {
  return {
    async delivery(deliveryId, revision, delayMs = 0) {
      const job = deliveryJob({ deliveryId, revision }, delayMs);
      await queue.add(job.name, job.data, job.opts);
    },
    async summary(summaryId, delayMs = 0) {
      await queue.add('summary', { kind: 'summary', summaryId }, { jobId: jobIds.summary(summaryId), delay: delayMs });
    },
    async summaryEdit(summaryId, revision) {
      const job = summaryEditJob({ summaryId, revision });
      await queue.add(job.name, job.data, job.opts);
    },
    async flush(platform, destination) {
      const slot = Math.ceil(Date.now() / flushSlotMs(platform, destination));
      await queue.add('flush', { kind: 'flush', platform, destination }, { jobId: jobIds.flush(platform, destination, slot) });
    },
  };
}

export function runDeliverJob(ctx: DeliveryContext, data: DeliverJob, jobId: string): Promise<Step> {
  switch (data.kind) {
    case 'delivery':
      return processDelivery(ctx, data.deliveryId);
    case 'summary':
      return processSummary(ctx, data.summaryId);
    case 'flush':
      return processFlush(ctx, data.platform, data.destination, jobId);
  }
}

export function createDeliverWorker(
  ctx: DeliveryContext,
  connection: ConnectionOptions,
  prefix: string,
  concurrency: number,
): Worker<DeliverJob> {
  const worker = new Worker<DeliverJob>(
    DELIVER_QUEUE,
    async (job: Job<DeliverJob>, token?: string) => {
      const step = await runDeliverJob(ctx, job.data, job.id!);
      if (step.done) return;
      await job.moveToDelayed(Date.now() + step.retryInMs, token);
      throw new DelayedError();
    },
    {
      connection,
      prefix,
      concurrency,
      lockDuration: WORKER_LOCK_MS,
      stalledInterval: STALLED_CHECK_MS,
      maxStalledCount: 10,
    },
  );
  worker.on('error', (error) => ctx.log.error({ err: error }, 'deliver worker error'));
  worker.on('failed', (job, error) =>
    ctx.log.error({ err: error, jobId: job?.id, data: job?.data }, 'deliver job failed unexpectedly'),
  );
  return worker;
}
