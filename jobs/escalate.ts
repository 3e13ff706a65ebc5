import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { runEscalationStep, type EscalationContext } from '../src/escalation/run.js';
import { STALLED_CHECK_MS, WORKER_LOCK_MS } from './deliver.js';
import type { QueueErrors } from './queue-errors.js';
import type { EscalationWork } from '../src/shared/work.js';

export const ESCALATE_QUEUE = 'escalate';

export interface EscalateJob {
  stepId: number;
}

export function createEscalateQueue(connection: ConnectionOptions, prefix: string): Queue<EscalateJob> {
  return new Queue<EscalateJob>(ESCALATE_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
}

/** One delayed job per step, due when the step is; the job id makes re-planning after a restart harmless. */
export function escalateJob(work: EscalationWork, now = Date.now()) {
  return {
    name: 'step',
    data: { stepId: work.stepId },
    opts: { jobId: `e${work.stepId}`, delay: Math.max(0, work.dueAt.getTime() - now) },
  };
}

export function createEscalateWorker(ctx: EscalationContext, connection: ConnectionOptions, prefix: string, errors: QueueErrors): Worker<EscalateJob> {
  const worker = new Worker<EscalateJob>(
    ESCALATE_QUEUE,
    async (job: Job<EscalateJob>, token?: string) => {
      const step = await runEscalationStep(ctx, job.data.stepId);
      if (step.done) return;
      await job.moveToDelayed(Date.now() + step.retryInMs, token);
      throw new DelayedError();
    },
    { connection, prefix, concurrency: 10, lockDuration: WORKER_LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: 10 },
  );
  errors.watch(worker, ESCALATE_QUEUE);
  worker.on('failed', (job, error) => ctx.log.error({ err: error, jobId: job?.id }, 'escalation step failed unexpectedly'));
  return worker;
}
