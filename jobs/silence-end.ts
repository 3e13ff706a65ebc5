import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { QueueErrors } from './queue-errors.js';

export const SILENCE_END_QUEUE = 'silence-end';

export interface SilenceEndJob {
  silenceId: number;
}

export function createSilenceEndQueue(connection: ConnectionOptions, prefix: string): Queue<SilenceEndJob> {
  return new Queue<SilenceEndJob>(SILENCE_END_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
}

/** Wakes up when a silence ends (or right away for one removed early), to post what it held back. */
export function silenceEndJob(silence: { id: number; endsAt: Date }, now = Date.now()) {
  return {
    name: 'end',
    data: { silenceId: silence.id },
    opts: { jobId: `silence-${silence.id}-${silence.endsAt.getTime()}`, delay: Math.max(0, silence.endsAt.getTime() - now) },
  };
}

export function createSilenceEndWorker(
  release: () => Promise<void>,
  connection: ConnectionOptions,
  prefix: string,
  log: Logger,
  errors: QueueErrors,
): Worker<SilenceEndJob> {
  const worker = new Worker<SilenceEndJob>(SILENCE_END_QUEUE, release, { connection, prefix, concurrency: 1 });
  errors.watch(worker, SILENCE_END_QUEUE);
  worker.on('failed', (job, error) => log.error({ err: error, jobId: job?.id }, 'releasing a silence failed'));
  return worker;
}
