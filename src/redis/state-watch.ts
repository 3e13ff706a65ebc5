import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How often the watch looks for its key; its key lives six times as long. */
export const STATE_WATCH_EVERY_MS = 5_000;

/**
 * Notices when Redis loses the bot's keys while the bot keeps running (a Redis that keeps nothing on
 * disk restarted, a FLUSHALL, eviction) and calls `recover`, which re-creates the job schedulers and
 * re-plans the unfinished work from SQLite: the periodic reconciler, the daily cycles, the probes and
 * every delayed job lived only in Redis. It keeps a key of its own that outlives several checks;
 * finding it gone means the rest went with it. This is a timer of this process on purpose, because
 * the BullMQ schedules are exactly what may have vanished; `recover` only does idempotent work, so
 * several instances noticing the same loss are harmless. While Redis does not answer, the check
 * says so once and tries again.
 */
export class RedisStateWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly recover: () => Promise<void>,
    private readonly log: Logger,
    private readonly everyMs = STATE_WATCH_EVERY_MS,
  ) {}

  async start(): Promise<void> {
    await this.mark();
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => (this.checking = undefined));
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  private async mark(): Promise<void> {
    await this.redis.set(this.key, String(Date.now()), 'PX', this.everyMs * 6);
  }

  private async check(): Promise<void> {
    try {
      if ((await this.redis.pexpire(this.key, this.everyMs * 6)) === 0) {
        this.log.warn(
          'Redis lost opsbot\'s keys while it was running (restarted without persistence, flushed or evicted): ' +
            're-creating the schedules and re-planning unfinished work from SQLite',
        );
        await this.recover();
        await this.mark();
        this.log.info('schedules re-created and unfinished work re-planned after the Redis loss');
      }
      if (this.failing) this.log.info('Redis state check works again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: error }, 'Redis state check failed; trying again every few seconds');
      this.failing = true;
    }
  }
}
