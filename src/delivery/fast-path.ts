import type { Queue } from 'bullmq';
import type { DeliverJob } from '../../jobs/deliver.js';
import type { DeliveryContext } from './context.js';
import { processDelivery } from './post.js';

/** How long the queue's copy of a delivery taken by the fast path waits before it checks the row itself. */
export const SAFETY_NET_MS = 5_000;

interface QueuedJob {
  name: string;
  data: DeliverJob;
  opts: { jobId: string; delay?: number };
}

/**
 * Posts a delivery in this process right after its commit, skipping the hop through Redis to a
 * worker. The BullMQ job is still written, delayed by SAFETY_NET_MS: if this process dies
 * mid-post, the job (or the reconciler) finishes the delivery, and the claim lease keeps the two
 * from ever posting twice. A delivery the fast path cannot finish now (paced, 429, 5xx) hands its
 * retry to that job. At most `limit` deliveries run this way at once; the rest go through the queue.
 */
export class FastPath {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ctx: DeliveryContext,
    private readonly queue: Queue<DeliverJob>,
    private readonly limit: number,
  ) {}

  /** Picks the delivery jobs it will run now and delays their queued copies; returns them. */
  admit(jobs: QueuedJob[]): QueuedJob[] {
    const taken: QueuedJob[] = [];
    for (const job of jobs) {
      if (job.data.kind !== 'delivery' || this.running.size + taken.length >= this.limit) continue;
      job.opts.delay = SAFETY_NET_MS;
      taken.push(job);
    }
    return taken;
  }

  run(jobs: QueuedJob[]): void {
    for (const job of jobs) {
      if (job.data.kind !== 'delivery') continue;
      const run = processDelivery(this.ctx, job.data.deliveryId)
        .then((step) => (step.done ? undefined : this.reschedule(job, step.retryInMs)))
        .catch((error: unknown) => this.ctx.log.error({ err: error, jobId: job.opts.jobId }, 'fast-path delivery failed; its queued job will retry'))
        .finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  /** Waits for the posts in flight (at shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async reschedule(job: QueuedJob, delayMs: number): Promise<void> {
    const queued = await this.queue.getJob(job.opts.jobId);
    if (!queued) {
      await this.queue.add(job.name, job.data, { ...job.opts, delay: delayMs });
      return;
    }
    if (await queued.isDelayed()) await queued.changeDelay(delayMs).catch(() => undefined);
  }
}
