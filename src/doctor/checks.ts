import { count } from 'drizzle-orm';
import { loadConfig, type Config } from '../config/load.js';
import type { EnvConfig } from '../config/env-schema.js';
import type { FileConfig } from '../config/file-schema.js';
import { openStore } from '../db/open-store.js';
import type { Store } from '../db/store.js';
import { allDestinations } from '../escalation/targets.js';
import { childEnv } from '../heal/child-env.js';
import { whatKeepsFromStarting } from '../heal/launch-check.js';
import { checkPlatformSetup } from '../platforms/registry.js';
import { listSubscriptions } from '../routing/subscriptions.js';
import type { SetupCheck } from '../shared/setup-check.js';
import type { SubscriptionRule } from '../routing/route.js';
import { checkRedis } from './redis-check.js';

/** How long one check may wait on the network (a platform, PostgreSQL, Redis) before it counts as a problem. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * `opsbot doctor`: the config and environment as a start reads them, the store, Redis, each chat
 * platform's token and every destination it posts to, and the services this instance would start.
 * Runs without the bot; a config that does not load is the only line, since the rest depends on it.
 */
export async function checkSetup(environment: NodeJS.ProcessEnv): Promise<SetupCheck[]> {
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    return [{ check: 'config', ok: false, detail: message(error), fix: 'fix what it names; opsbot config check [file] checks again' }];
  }
  const { env, file, configPath } = config;
  const checks: SetupCheck[] = [{ check: 'config', ok: true, detail: `${configPath ?? 'no config file (embedded defaults)'}: ${file.routes.length} routes, ${file.services.length} services` }];
  const { check: storeCheck, subscriptions } = await checkStore(env);
  checks.push(storeCheck, await checkRedis(env.REDIS_URL, CHECK_TIMEOUT_MS));
  checks.push(...(await checkPlatformSetup(env, allDestinations(file, subscriptions), CHECK_TIMEOUT_MS)));
  checks.push(...(await checkServices(file, env.OPSBOT_INSTANCE)));
  return checks;
}

/** Opens the store as a start would (migrations included) and counts the alerts; its chat subscriptions add destinations to check. */
async function checkStore(env: EnvConfig): Promise<{ check: SetupCheck; subscriptions: SubscriptionRule[] }> {
  const where = env.DATABASE_URL ? `PostgreSQL at ${new URL(env.DATABASE_URL).host}` : `SQLite in ${env.OPSBOT_DATA_DIR}`;
  let store: Store | undefined;
  try {
    store = await withTimeout(openStore(env), `${where} did not answer`);
    const [stored] = await store.db.select({ n: count() }).from(store.t.alerts);
    const subscriptions = await listSubscriptions(store);
    return { check: { check: 'store', ok: true, detail: `${where}: ${stored!.n} alerts, ${subscriptions.length} chat subscriptions` }, subscriptions };
  } catch (error) {
    const fix = env.DATABASE_URL ? 'check that PostgreSQL runs and DATABASE_URL names a database this user may create tables in' : 'check that OPSBOT_DATA_DIR exists or can be made, and is writable';
    return { check: { check: 'store', ok: false, detail: `${where}: ${message(error)}`, fix }, subscriptions: [] };
  } finally {
    await store?.close();
  }
}

/** Each supervised service this instance runs: its working directory and program exist. */
async function checkServices(file: FileConfig, instance: string): Promise<SetupCheck[]> {
  const checks: SetupCheck[] = [];
  for (const service of file.services) {
    const check = `service ${service.name}`;
    if (service.instance !== undefined && service.instance !== instance) {
      checks.push({ check, ok: true, detail: `runs on instance ${service.instance}${service.fallback ? ` (fallback ${service.fallback})` : ''}, not on ${instance}` });
    } else if (service.command) {
      const missing = await whatKeepsFromStarting(service.command, service.cwd, childEnv(service.env).PATH);
      checks.push(missing ? { check, ok: false, detail: `cannot start: ${missing}`, fix: 'fix its command or cwd in the config, or install the program' } : { check, ok: true, detail: `${service.command[0]} can start` });
    } else {
      checks.push({ check, ok: true, detail: service.pidfile ? `watched through ${service.pidfile}` : 'probed only' });
    }
  }
  return checks;
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
