import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isRedisUnreachable } from '../src/redis/unreachable.js';

/**
 * BullMQ's messages for a job whose lock lapsed before its worker finished or renewed it (the thread
 * was busy, e.g. with a flood of intake transactions): the stalled check hands the job out again and
 * the stale run's finish is refused. Expected under saturation, so a warning, not an error.
 */
const LAPSED_LOCK = /^(Missing lock for job|Lock mismatch for job|Missing key for job|could not renew lock for job) /;

/**
 * Logs the errors of the bot's BullMQ queues and workers and of its own Redis connections. While
 * Redis cannot be reached, every one of them reports every reconnect attempt; that is logged once
 * when it starts, and once more when a connection is ready again. Lapsed job locks are warnings,
 * everything else an error.
 */
export class QueueErrors {
  private unreachableSince: number | undefined;

  constructor(private readonly log: Logger) {}

  watch(emitter: Queue | Worker, name: string): void {
    const errors: { on(event: 'error', listener: (error: Error) => void): unknown } = emitter;
    errors.on('error', (error) => this.report(error, `${name} ${emitter instanceof Worker ? 'worker' : 'queue'}`));
  }

  watchConnection(connection: Redis, name: string): void {
    connection.on('error', (error: Error) => this.report(error, `${name} connection`));
    connection.on('ready', () => this.answering());
  }

  private report(error: Error, source: string): void {
    if (isRedisUnreachable(error)) {
      if (this.unreachableSince !== undefined) return;
      this.unreachableSince = Date.now();
      this.log.error(
        { err: error, source },
        'Redis is unreachable: alerts are still accepted and kept in SQLite; queued work waits until Redis answers',
      );
    } else if (LAPSED_LOCK.test(error.message)) {
      this.log.warn({ err: error, source }, `${source}: a job's lock lapsed while the thread was busy; the stalled check runs it again`);
    } else {
      this.log.error({ err: error, source }, `${source} error`);
    }
  }

  private answering(): void {
    if (this.unreachableSince === undefined) return;
    this.log.info({ unreachableForMs: Date.now() - this.unreachableSince }, 'Redis answers again');
    this.unreachableSince = undefined;
  }
}

/** The connections a job module's queue and worker use, and where their errors go. */
export interface JobConnections {
  queue: ConnectionOptions;
  worker: ConnectionOptions;
  errors: QueueErrors;
}
