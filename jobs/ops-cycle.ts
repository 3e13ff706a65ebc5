import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { JobConnections } from './queue-errors.js';
import { syncJobSchedulers } from './schedulers.js';

export const OPS_CYCLE_QUEUE = 'ops-cycle';
const schedulerId = (time: string) => `ops-cycle-${time.replace(':', '')}`;

/**
 * The daily ops cycles as BullMQ job schedulers (cron pattern in the configured time zone): the
 * scheduler id is the time of day, so restarts and a second instance never double a cycle.
 * Schedulers for times no longer configured are removed. `ensureSchedules` does it again (after Redis
 * lost them, src/redis/state-watch.ts).
 */
export async function scheduleOpsCycles(
  times: string[],
  timezone: string,
  run: () => Promise<unknown>,
  connection: JobConnections,
  prefix: string,
  log: Logger,
): Promise<{ queue: Queue; worker: Worker; ensureSchedules: () => Promise<void> }> {
  const queue = new Queue(OPS_CYCLE_QUEUE, { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
  connection.errors.watch(queue, OPS_CYCLE_QUEUE);
  const ensureSchedules = () =>
    syncJobSchedulers(
      queue,
      times.map((time) => {
        const [hours, minutes] = time.split(':');
        return { id: schedulerId(time), repeat: { pattern: `${Number(minutes)} ${Number(hours)} * * *`, tz: timezone }, template: { name: 'cycle' } };
      }),
    );
  await ensureSchedules();
  const worker = new Worker(OPS_CYCLE_QUEUE, async () => run(), { connection: connection.worker, prefix, concurrency: 1, lockDuration: 60_000 });
  connection.errors.watch(worker, OPS_CYCLE_QUEUE);
  worker.on('failed', (_job, error) => log.error({ err: error }, 'ops cycle failed'));
  return { queue, worker, ensureSchedules };
}
