import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { ServiceManager } from '../src/heal/service-manager.js';
import type { ProbeSchedule } from '../src/heal/start-heal.js';
import type { ForwardedHeal } from '../src/heal/heal-forwarding.js';
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

/** The jobs on an instance's queue: its probes (scheduled) and heals other instances handed to it. */
type InstanceJob = { name: 'probe'; data: ProbeJob } | { name: 'heal'; data: ForwardedHeal };

/**
 * One BullMQ job scheduler per service this instance supervises, at its probe interval (pid-file
 * services without a probe every 30 s), on this instance's own queue, which only its worker takes:
 * a probe (and the heal it may start) runs on the instance that runs the service, once per interval.
 * `ensureSchedules` makes the schedulers match what the instance supervises now, removing the others
 * (after a hand-over, or after Redis lost them, src/redis/state-watch.ts). The same queue carries the
 * heals other instances hand to this one (`forward` puts them on the queue of the instance named).
 */
export async function scheduleProbes(
  manager: ServiceManager,
  runForwarded: (heal: ForwardedHeal) => Promise<void>,
  connection: JobConnections,
  prefix: string,
  log: Logger,
): Promise<ProbeSchedule> {
  const name = probeQueueOf(manager.instance);
  await removeSharedSchedules(connection, prefix);
  const queue = new Queue<ProbeJob | ForwardedHeal>(name, { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
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
  const run = (job: InstanceJob) => (job.name === 'heal' ? runForwarded(job.data) : manager.check(job.data.service));
  const worker = new Worker<ProbeJob | ForwardedHeal>(name, async (job) => run(job as InstanceJob), { connection: connection.worker, prefix, concurrency: 10 });
  connection.errors.watch(worker, name);
  worker.on('failed', (job, error) => log.error({ err: error, job: job?.name, service: job?.data.service }, `${job?.name ?? 'probe'} failed unexpectedly`));
  const others = new Map<string, Queue<ForwardedHeal>>();
  const forward = async (instance: string, heal: ForwardedHeal) => {
    let other = others.get(instance);
    if (!other) {
      other = new Queue<ForwardedHeal>(probeQueueOf(instance), { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
      connection.errors.watch(other, probeQueueOf(instance));
      others.set(instance, other);
    }
    await other.add('heal', heal);
  };
  return {
    ensureSchedules,
    forward,
    async stop() {
      await worker.close();
      await Promise.all([queue, ...others.values()].map((q) => q.close()));
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
