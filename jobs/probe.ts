import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceManager } from '../src/heal/service-manager.js';
import type { ProbeSchedule } from '../src/heal/start-heal.js';
import type { JobConnections } from './queue-errors.js';
import { syncJobSchedulers } from './schedulers.js';

export const PROBE_QUEUE = 'probe';
const schedulerId = (service: string) => `probe-${service}`;

export interface ProbeJob {
  service: string;
}

/**
 * One BullMQ job scheduler per watched service, at its probe interval (pid-file services without a
 * probe every 30 s): several instances never probe one service twice per interval. Schedulers of
 * services no longer in the config are removed. `ensureSchedules` does it again (after Redis lost them,
 * src/redis/state-watch.ts).
 */
export async function scheduleProbes(
  manager: ServiceManager,
  connection: JobConnections,
  prefix: string,
  log: Logger,
): Promise<ProbeSchedule> {
  const queue = new Queue<ProbeJob>(PROBE_QUEUE, { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  connection.errors.watch(queue, PROBE_QUEUE);
  const watched = manager.all().filter((s) => s.probe || s.pidfile);
  const ensureSchedules = () =>
    syncJobSchedulers(
      queue,
      watched.map((service) => ({
        id: schedulerId(service.name),
        repeat: { every: service.probe?.interval ?? 30_000 },
        template: { name: 'probe', data: { service: service.name } },
      })),
    );
  await ensureSchedules();
  const worker = new Worker<ProbeJob>(PROBE_QUEUE, async (job) => manager.check(job.data.service), {
    connection: connection.worker,
    prefix,
    concurrency: 10,
  });
  connection.errors.watch(worker, PROBE_QUEUE);
  worker.on('failed', (job, error) => log.error({ err: error, service: job?.data.service }, 'probe failed unexpectedly'));
  return {
    ensureSchedules,
    async stop() {
      await worker.close();
      await queue.close();
    },
  };
}
