import { redisUrlProblem } from '../redis/connection.js';
import { oneLookClient } from '../redis/probe.js';
import { canRunPrivateRedis } from '../redis/embedded.js';
import type { SetupCheck } from '../shared/setup-check.js';

/** The URL without its password, for a line a user may paste. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(REDIS_URL)';
  }
}

/**
 * Redis as BullMQ needs it: it answers, and it never evicts keys (`maxmemory-policy noeviction`),
 * since an evicted job is work that waits for the reconciler. When nothing answers at a plain
 * loopback URL, a start runs its own redis-server: fine if one is installed.
 */
export async function checkRedis(url: string, timeoutMs: number): Promise<SetupCheck> {
  const check = 'redis';
  const problem = redisUrlProblem(url);
  if (problem) return { check, ok: false, detail: `REDIS_URL: ${problem}`, fix: 'see README, Configuration' };
  const client = oneLookClient(url, timeoutMs);
  try {
    await client.connect();
    const info = `${await client.info('server')}\n${await client.info('memory')}`;
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? 'noeviction';
    if (policy !== 'noeviction') {
      return { check, ok: false, detail: `Redis ${version} at ${shown(url)} evicts keys (maxmemory-policy ${policy}): queued jobs can vanish under memory pressure`, fix: 'set maxmemory-policy noeviction (redis.conf, or CONFIG SET maxmemory-policy noeviction)' };
    }
    return { check, ok: true, detail: `Redis ${version} answers at ${shown(url)}` };
  } catch (error) {
    return unreachable(url, error);
  } finally {
    client.disconnect();
  }
}

function unreachable(url: string, error: unknown): SetupCheck {
  const reason = error instanceof Error ? error.message : String(error);
  if (canRunPrivateRedis(url)) {
    return { check: 'redis', ok: true, detail: `nothing answers at ${shown(url)}; opsbot will start its own redis-server there (found on the PATH)` };
  }
  return {
    check: 'redis',
    ok: false,
    detail: `no Redis answers at ${shown(url)} (${reason})`,
    fix: 'start that Redis or set REDIS_URL to one that runs; for a loopback REDIS_URL, installing redis-server (apt-get install -y redis-server) lets opsbot start its own',
  };
}
