import type { Logger } from 'pino';
import { RedisStateWatch } from '../redis/state-watch.js';
import type { Foundation } from './foundation.js';

/** Puts the schedules back and re-plans the unfinished work, in order, when Redis lost opsbot's keys. */
export async function startRedisWatch(base: Foundation, holderId: string, recover: Array<() => Promise<unknown>>, log: Logger): Promise<RedisStateWatch> {
  const watch = new RedisStateWatch(
    base.redis.command,
    `${base.prefix}:instance:${holderId}`,
    async () => {
      for (const step of recover) await step();
    },
    log.child({ component: 'redis-watch' }),
  );
  await watch.start();
  return watch;
}
