import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { PLATFORMS, type Platform } from '../src/shared/types.js';
import type { DeliveryContext, FollowUps, Step } from '../src/delivery/context.js';
import { processDelivery, processFlush, processSummary } from '../src/delivery/post.js';
import type { QueueErrors } from './queue-errors.js';
import { plannedByDestination } from '../src/delivery/burst.js';
import type { DeliveryWork, SummaryWork } from '../src/shared/work.js';

/**
 * One deliver queue per platform, each with its own worker, so a platform whose requests hang or fail
 * never holds the worker slots the other platform's posts need.
 */
export const deliverQueueName = (platform: Platform) => `deliver-${platform}`;

export type DeliverQueues = Record<Platform, Queue<DeliverJob>>;

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

export function createDeliverQueue(connection: ConnectionOptions, prefix: string, platform: Platform): Queue<DeliverJob> {
  return new Queue<DeliverJob>(deliverQueueName(platform), { connection, prefix, defaultJobOptions: JOB_DEFAULTS });
}

export function createDeliverQueues(connection: ConnectionOptions, prefix: string): DeliverQueues {
  return Object.fromEntries(PLATFORMS.map((platform) => [platform, createDeliverQueue(connection, prefix, platform)])) as DeliverQueues;
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

export function deliveryJob(work: Pick<DeliveryWork, 'deliveryId' | 'revision' | 'platform'>, delayMs = 0) {
  return {
    platform: work.platform,
    name: 'delivery',
    data: { kind: 'delivery', deliveryId: work.deliveryId } as DeliverJob,
    opts: { jobId: jobIds.delivery(work.deliveryId, work.revision), ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}

export function summaryEditJob(work: SummaryWork, now = Date.now()) {
  const delay = work.notBefore ? work.notBefore.getTime() - now : 0;
  return {
    platform: work.platform,
    name: 'summary',
    data: { kind: 'summary', summaryId: work.summaryId } as DeliverJob,
    opts: { jobId: jobIds.summaryEdit(work.summaryId, work.revision), ...(delay > 0 ? { delay } : {}) },
  };
}

function intakeFlushJob(platform: Platform, destination: string, firstDeliveryId: number) {
  return {
    platform,
    name: 'flush',
    data: { kind: 'flush', platform, destination } as DeliverJob,
    opts: { jobId: jobIds.intakeFlush(platform, destination, firstDeliveryId) },
  };
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

/** Jobs for several platforms, each added in bulk to its platform's queue. */
export async function addToQueues(queues: DeliverQueues, jobs: Array<{ platform: Platform; name: string; data: DeliverJob; opts: { jobId: string; delay?: number } }>) {
  await Promise.all(
    PLATFORMS.map((platform) => {
      const mine = jobs.filter((job) => job.platform === platform);
      return mine.length === 0 ? undefined : queues[platform].addBulk(mine.map(({ name, data, opts }) => ({ name, data, opts })));
    }),
  );
}

/** Makes every delayed job of the platform's queue (retries, paced and held work) due now; each re-checks its pace and claim when it runs. */
export async function promoteWaiting(queues: DeliverQueues, platform: Platform): Promise<void> {
  await queues[platform].promoteJobs();
}

export function queueFollowUps(queues: DeliverQueues, flushSlotMs: (platform: Platform, destination: string) => number): FollowUps {
  return {
    async delivery(work, delayMs = 0) {
      const job = deliveryJob(work, delayMs);
      await queues[work.platform].add(job.name, job.data, job.opts);
    },
    async summary({ summaryId, platform }, delayMs = 0) {
      await queues[platform].add('summary', { kind: 'summary', summaryId }, { jobId: jobIds.summary(summaryId), delay: delayMs });
    },
    async summaryEdit(work) {
      const job = summaryEditJob(work);
      await queues[work.platform].add(job.name, job.data, job.opts);
    },
    async flush(platform, destination) {
      const slot = Math.ceil(Date.now() / flushSlotMs(platform, destination));
      await queues[platform].add('flush', { kind: 'flush', platform, destination }, { jobId: jobIds.flush(platform, destination, slot) });
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

/** One worker per platform's queue, each running up to `concurrency` jobs at once. */
export function createDeliverWorkers(
  ctx: DeliveryContext,
  connection: ConnectionOptions,
  prefix: string,
  concurrency: number,
  errors: QueueErrors,
): Worker<DeliverJob>[] {
  return PLATFORMS.map((platform) => createDeliverWorker(ctx, connection, prefix, platform, concurrency, errors));
}

function createDeliverWorker(
  ctx: DeliveryContext,
  connection: ConnectionOptions,
  prefix: string,
  platform: Platform,
  concurrency: number,
  errors: QueueErrors,
): Worker<DeliverJob> {
  const worker = new Worker<DeliverJob>(
    deliverQueueName(platform),
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
  errors.watch(worker, deliverQueueName(platform));
  worker.on('failed', (job, error) =>
    ctx.log.error({ err: error, jobId: job?.id, data: job?.data }, 'deliver job failed unexpectedly'),
  );
  return worker;
}
