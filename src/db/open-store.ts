import type { Logger } from 'pino';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** The store the environment names: PostgreSQL at DATABASE_URL, shared by several instances, or else the SQLite file in OPSBOT_DATA_DIR. */
export function openStore(env: { DATABASE_URL?: string | undefined; OPSBOT_DATA_DIR: string }, log?: Logger): Promise<Store> {
  if (env.DATABASE_URL) return openPostgresStore(env.DATABASE_URL, log);
  return Promise.resolve(openSqliteStore(env.OPSBOT_DATA_DIR));
}
