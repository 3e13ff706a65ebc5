import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { earliestPerAlert } from '../src/escalation/plan.js';
import { addToQueues, intakeJobs, summaryEditJob, type DeliverQueues } from './deliver.js';
import type { Platform } from '../src/shared/types.js';
import type { DeliveryWork, EscalationWork, SummaryWork, WorkSink } from '../src/shared/work.js';
import { escalateJob, type EscalateJob } from './escalate.js';
import { silenceEndJob, type SilenceEndJob } from './silence-end.js';

/**
 * Hands committed work to the BullMQ queues. The rows are already in the store, so a failed enqueue
 * is logged and left to the reconciler: nothing is lost, it only waits for the next sweep.
 */
export class QueueWorkSink implements WorkSink {
  constructor(
    private readonly queues: { deliver: DeliverQueues; escalate: Queue<EscalateJob>; silenceEnd: Queue<SilenceEndJob> },
    /** A destination's burst: more new deliveries than this in one batch go as one flush job. */
    private readonly burstFor: (platform: Platform, destination: string) => number,
    private readonly log: Logger,
  ) {}

  async deliveries(work: DeliveryWork[]): Promise<void> {
    if (work.length === 0) return;
    await addToQueues(this.queues.deliver, intakeJobs(work, this.burstFor)).catch((error: unknown) => this.failed(error, 'deliver', work.length));
  }

  async sync(changes: { work: DeliveryWork[]; summaries: SummaryWork[] }): Promise<void> {
    await Promise.all([this.deliveries(changes.work), this.summaries(changes.summaries)]);
  }

  async summaries(work: SummaryWork[]): Promise<void> {
    if (work.length === 0) return;
    await addToQueues(this.queues.deliver, work.map((w) => summaryEditJob(w))).catch((error: unknown) => this.failed(error, 'deliver', work.length));
  }

  async escalations(work: EscalationWork[]): Promise<void> {
    if (work.length === 0) return;
    const now = Date.now();
    await this.queues.escalate.addBulk(earliestPerAlert(work).map((w) => escalateJob(w, now))).catch((error: unknown) => this.failed(error, 'escalate', work.length));
  }

  async silenceEnd(silence: { id: number; endsAt: Date }): Promise<void> {
    const job = silenceEndJob(silence);
    await this.queues.silenceEnd.add(job.name, job.data, job.opts).catch((error: unknown) => this.failed(error, 'silence-end', 1));
  }

  private failed(error: unknown, queue: string, jobs: number) {
    this.log.error({ err: error, queue, jobs }, 'enqueue failed; the reconciler will pick the work up');
  }
}
