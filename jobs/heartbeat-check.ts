import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Heartbeats } from '../src/heartbeats/heartbeats.js';
import type { JobConnections } from './queue-errors.js';

export const HEARTBEAT_CHECK_QUEUE = 'heartbeat-check';

/**
 * One delayed job at the next moment a heartbeat can go stale; each run checks every heartbeat
 * and plans the next. The job id is the deadline, so planning it twice is harmless.
 */
export class HeartbeatChecks {
  readonly queue: Queue;
  readonly worker: Worker;

  constructor(
    private readonly heartbeats: Heartbeats,
    connection: JobConnections,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.queue = new Queue(HEARTBEAT_CHECK_QUEUE, { connection: connection.queue, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
    this.worker = new Worker(HEARTBEAT_CHECK_QUEUE, async () => this.check(), { connection: connection.worker, prefix, concurrency: 1 });
    connection.errors.watch(this.queue, HEARTBEAT_CHECK_QUEUE);
    connection.errors.watch(this.worker, HEARTBEAT_CHECK_QUEUE);
    this.worker.on('failed', (_job, error) => log.error({ err: error }, 'heartbeat check failed'));
  }

  async check(): Promise<string[]> {
    const stale = await this.heartbeats.checkAll();
    await this.planNext();
    return stale;
  }

  async planNext(): Promise<void> {
    const deadline = await this.heartbeats.nextDeadline();
    if (!deadline) return;
    await this.queue
      .add('check', {}, { jobId: `hb-${deadline.getTime()}`, delay: Math.max(0, deadline.getTime() - Date.now()) })
      .catch((error: unknown) => this.log.error({ err: error }, 'could not plan the next heartbeat check; the reconciler will'));
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}
