import type { Worker } from 'bullmq';
import type { Logger } from 'pino';

/**
 * BullMQ's messages for a job whose lock lapsed before its worker finished or renewed it (the thread
 * was busy, e.g. with a flood of intake transactions): the stalled check hands the job out again and
 * the stale run's finish is refused. Expected under saturation, so a warning, not an error.
 */
const LAPSED_LOCK = /^(Missing lock for job|Lock mismatch for job|Missing key for job|could not renew lock for job) /;

/** Logs a worker's errors: lapsed job locks as warnings, everything else as errors. */
export function logWorkerErrors(worker: Worker, log: Logger, queue: string): void {
  worker.on('error', (error) => {
    if (LAPSED_LOCK.test(error.message)) {
      log.warn({ err: error, queue }, `${queue} worker: a job's lock lapsed while the thread was busy; the stalled check runs it again`);
    } else {
      log.error({ err: error, queue }, `${queue} worker error`);
    }
  });
}
