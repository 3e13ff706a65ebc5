import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { projectRoot } from '../../project-root.js';
import { StartupError } from '../../startup-error.js';
import { parsePostgresUrl, passwordOf, postgresFailure, type PostgresTarget } from './connection-error.js';
import * as schema from './schema.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PostgresStore {
  db: PgDb;
  /** Ends every connection of the pool. */
  close(): Promise<void>;
}

/**
 * The advisory lock every opsbot instance takes before migrating, so that instances starting at once
 * migrate one at a time: the first applies what is missing, the others wait, then find nothing to do.
 * A fixed 64-bit key, the ASCII bytes of "opsbotMG" (0x6f7073626f744d47), unlikely to collide with
 * another application's advisory locks on a shared server. `SELECT * FROM pg_locks WHERE locktype =
 * 'advisory' AND classid = 1869640546 AND objid = 1869892935` (its high and low 32 bits) shows who holds
 * or waits for it.
 */
export const MIGRATION_LOCK_KEY = 0x6f7073626f744d47n;

/** How long an instance waits for another one's migration before giving up with a clear error. */
const MIGRATION_LOCK_WAIT_MS = 300_000;
const CONNECT_TIMEOUT_MS = 10_000;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Opens the PostgreSQL store at `url` (DATABASE_URL) and applies the migrations of drizzle/pg/ that it
 * lacks, holding the migration lock. A bad URL, an unreachable server, a refused login or a missing
 * database is a StartupError naming the host, the database and what to check, never the password.
 */
export async function openPostgres(url: string, log?: Logger): Promise<PostgresStore> {
  const target = parsePostgresUrl(url);
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection that breaks while idle is dropped by the pool; without a listener it would end the process.
  pool.on('error', (error) => log?.warn({ err: error.message }, 'an idle PostgreSQL connection failed'));
  try {
    await migrateHoldingLock(pool, target, log);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error instanceof StartupError ? error : postgresFailure(error, target, passwordOf(url));
  }
  const db = drizzle({ client: pool, schema });
  return { db, close: () => pool.end() };
}

/** Takes the migration lock on one dedicated connection, migrates over that connection, and lets go. */
async function migrateHoldingLock(pool: pg.Pool, target: PostgresTarget, log?: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SET lock_timeout = ${MIGRATION_LOCK_WAIT_MS}`);
    const started = Date.now();
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]).catch((error: unknown) => {
      throw (error as { code?: unknown }).code === LOCK_NOT_AVAILABLE ? lockWaitFailure(target) : error;
    });
    try {
      await client.query('SET lock_timeout = 0');
      log?.info({ waitedMs: Date.now() - started }, 'PostgreSQL migration lock taken');
      const applied = await appliedCount(client);
      await migrate(drizzle({ client }), { migrationsFolder: join(projectRoot, 'drizzle', 'pg') });
      const now = await appliedCount(client);
      log?.info({ applied: now - applied, total: now }, 'PostgreSQL migrations applied');
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
    }
    client.release();
  } catch (error) {
    // A connection whose state is unknown goes, and the lock with its session.
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

/** How many migrations the database has recorded (0 before the first). */
async function appliedCount(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    "SELECT count(*) AS count FROM pg_tables WHERE schemaname = 'drizzle' AND tablename = '__drizzle_migrations'",
  );
  if (rows[0]?.count === '0') return 0;
  const recorded = await client.query<{ count: string }>('SELECT count(*) AS count FROM drizzle.__drizzle_migrations');
  return Number(recorded.rows[0]?.count ?? 0);
}

function lockWaitFailure(target: PostgresTarget): StartupError {
  return new StartupError(
    `waited ${MIGRATION_LOCK_WAIT_MS / 1000} s for the migration lock on PostgreSQL at ${target.host}:${target.port} (database ${target.database}): ` +
      `another opsbot instance holds it; check for one stuck in start-up (pg_locks, locktype advisory)`,
  );
}
