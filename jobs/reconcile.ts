import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Logger } from 'pino';
import { logWorkerErrors } from './worker-errors.js';

export const RECONCILE_QUEUE = 'reconcile';
export const RECONCILE_EVERY_MS = 30_000;
const SCHEDULER_ID = 'reconcile-every-30s';

/**
 * A periodic sweep that re-enqueues unfinished delivery work. Job ids make it harmless when
 * the work is already queued; it covers a Redis that lost its keys while the bot kept running.
 */
export async function scheduleReconcile(
  connection: ConnectionOptions,
  prefix: string,
  reconcile: () => Promise<unknown>,
  log: Logger,
): Promise<{ queue: Queue; worker: Worker }> {
  const queue = new Queue(RECONCILE_QUEUE, { connection, prefix });
  queue.on('error', (error) => log.error({ err: error }, 'reconcile queue error'));
  await queue.upsertJobScheduler(SCHEDULER_ID, { every: RECONCILE_EVERY_MS }, { name: 'reconcile' });
  const worker = new Worker(RECONCILE_QUEUE, async () => reconcile(), { connection, prefix, concurrency: 1 });
  logWorkerErrors(worker, log, RECONCILE_QUEUE);
  worker.on('failed', (_job, error) => log.error({ err: error }, 'reconcile sweep failed'));
  return { queue, worker };
}
