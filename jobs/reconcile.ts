import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { JobConnections } from './queue-errors.js';

export const RECONCILE_QUEUE = 'reconcile';
export const RECONCILE_EVERY_MS = 30_000;
const SCHEDULER_ID = 'reconcile-every-30s';

/**
 * A periodic sweep that re-enqueues unfinished work. Job ids make it harmless when the work is
 * already queued. `ensureSchedule` puts the schedule back after Redis lost it (src/redis/state-watch.ts);
 * `startWorker` takes the sweeps, on the instance that leads.
 */
export async function scheduleReconcile(
  connection: JobConnections,
  prefix: string,
  reconcile: () => Promise<unknown>,
  log: Logger,
): Promise<{ queue: Queue; startWorker: () => Worker; ensureSchedule: () => Promise<void> }> {
  const queue = new Queue(RECONCILE_QUEUE, { connection: connection.queue, prefix });
  connection.errors.watch(queue, RECONCILE_QUEUE);
  const ensureSchedule = async () => {
    await queue.upsertJobScheduler(SCHEDULER_ID, { every: RECONCILE_EVERY_MS }, { name: 'reconcile' });
  };
  await ensureSchedule();
  const startWorker = () => {
    const worker = new Worker(RECONCILE_QUEUE, async () => reconcile(), { connection: connection.worker, prefix, concurrency: 1 });
    connection.errors.watch(worker, RECONCILE_QUEUE);
    worker.on('failed', (_job, error) => log.error({ err: error }, 'reconcile sweep failed'));
    return worker;
  };
  return { queue, startWorker, ensureSchedule };
}
