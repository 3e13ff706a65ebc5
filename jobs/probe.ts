import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceManager } from '../src/heal/service-manager.js';
import type { ProbeSchedule } from '../src/heal/start-heal.js';
import type { JobConnections } from './queue-errors.js';
import { syncJobSchedulers } from './schedulers.js';

/** The queue of the probes of one instance's services ("@" cannot occur in an instance name, ":" is BullMQ's key separator). */
export const probeQueueOf = (instance: string) => `probe@${instance}`;
/** The one probe queue of every instance before services belonged to an instance: its schedulers are removed at start. */
const SHARED_PROBE_QUEUE = 'probe';
const schedulerId = (service: string) => `probe-${service}`;

export interface ProbeJob {
  service: string;
}

/**
 * One BullMQ job scheduler per service this instance supervises, at its probe interval (pid-file
 * services without a probe every 30 s), on this instance's own queue, which only its worker takes:
 * a probe (and the heal it may start) runs on the instance that runs the service, once per interval.
 * `ensureSchedules` makes the schedulers match what the instance supervises now, removing the others
 * (after a hand-over, or after Redis lost them, src/redis/state-watch.ts).
 */
export async function scheduleProbes(manager: ServiceManager, connection: JobConnections, prefix: string, log: Logger): Promise<ProbeSchedule> {
  const name = probeQueueOf(manager.instance);
  await removeSharedSchedules(connection, prefix);
  const queue = new Queue<ProbeJob>(name, { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  connection.errors.watch(queue, name);
  const ensureSchedules = () =>
    syncJobSchedulers(
      queue,
      manager
        .all()
        .filter((service) => (service.probe || service.pidfile) && manager.supervises(service.name))
        .map((service) => ({
          id: schedulerId(service.name),
          repeat: { every: service.probe?.interval ?? 30_000 },
          template: { name: 'probe', data: { service: service.name } },
        })),
    );
  await ensureSchedules();
  const worker = new Worker<ProbeJob>(name, async (job) => manager.check(job.data.service), { connection: connection.worker, prefix, concurrency: 10 });
  connection.errors.watch(worker, name);
  worker.on('failed', (job, error) => log.error({ err: error, service: job?.data.service }, 'probe failed unexpectedly'));
  return {
    ensureSchedules,
    async stop() {
      await worker.close();
      await queue.close();
    },
  };
}

async function removeSharedSchedules(connection: JobConnections, prefix: string): Promise<void> {
  const shared = new Queue(SHARED_PROBE_QUEUE, { connection: connection.queue, prefix });
  connection.errors.watch(shared, SHARED_PROBE_QUEUE);
  try {
    await syncJobSchedulers(shared, []);
  } finally {
    await shared.close();
  }
}
