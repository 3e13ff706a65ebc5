import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/load.js';
import { openStore } from '../db/open-store.js';
import type { Store } from '../db/store.js';
import { connectRedis } from '../redis/connection.js';
import { ensureRedis } from '../redis/embedded.js';
import { isLoopback } from '../http/auth.js';
import { dataDirFailure } from '../startup-error.js';
import { QueueErrors, type JobConnections } from '../../jobs/queue-errors.js';

/** What every capability stands on: the store, Redis and the queue connections. */
export interface Foundation {
  /** The store: the SQLite file, or PostgreSQL at DATABASE_URL. */
  store: Store;
  /** Queue names' prefix in Redis. */
  prefix: string;
  /** `command` for queues and reads (fails fast), `worker` for BullMQ workers (blocking, retries forever). */
  redis: { command: Redis; worker: Redis };
  connections: JobConnections;
  queueLog: Logger;
  stop(): Promise<void>;
}

/** Refuses an exposed API without a token, opens the store (migrating it), and connects to (or starts) Redis. */
export async function startFoundation({ env }: Config, log: Logger): Promise<Foundation> {
  if (!env.API_TOKEN && !isLoopback(env.HOST)) {
    throw new ConfigError(
      `API_TOKEN is not set and HOST=${env.HOST} is not loopback: refusing to expose the API without a token. ` +
        'Set API_TOKEN, or HOST=127.0.0.1.',
    );
  }
  let store: Store;
  try {
    store = await openStore(env, log.child({ component: 'store' }));
  } catch (error) {
    throw env.DATABASE_URL ? error : dataDirFailure(error, env.OPSBOT_DATA_DIR);
  }
  const redisHandle = await ensureRedis(env.REDIS_URL, env.OPSBOT_DATA_DIR, log);
  const worker = connectRedis(redisHandle.url, { maxRetriesPerRequest: null });
  const command = connectRedis(redisHandle.url, { maxRetriesPerRequest: 3 });
  const queueLog = log.child({ component: 'queues' });
  const errors = new QueueErrors(queueLog);
  errors.watchConnection(worker, 'worker');
  errors.watchConnection(command, 'command');
  return {
    store,
    prefix: env.OPSBOT_QUEUE_PREFIX,
    redis: { command, worker },
    connections: { queue: command, worker, errors },
    queueLog,
    async stop() {
      await Promise.all([worker.quit(), command.quit()]).catch(() => undefined);
      await redisHandle.stop();
      await store.close();
    },
  };
}
