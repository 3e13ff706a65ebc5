import pg from 'pg';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY, openPostgres } from '../src/db/pg/open.js';
import * as pgSchema from '../src/db/pg/schema.js';
import { projectRoot } from '../src/project-root.js';
import { StartupError } from '../src/startup-error.js';
import { queryRows, TEST_POSTGRES_ADMIN_URL, useThrowawayDatabase } from './helpers/postgres.js';
import { waitUntil } from './helpers/wait.js';

const MIGRATIONS = readMigrationFiles({ migrationsFolder: join(projectRoot, 'drizzle', 'pg') });
const journal = (url: string) =>
  queryRows<{ id: number; hash: string; created_at: string }>(url, 'SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id');

describe('opening the PostgreSQL store', () => {
  const fresh = useThrowawayDatabase('migrate');

  it('migrates once when three instances start at the same moment, and every table is there', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => openPostgres(fresh.database.url)));
    await Promise.all(stores.map((store) => store.close()));

    const tables = await queryRows<{ tablename: string }>(fresh.database.url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    const expected = Object.values(pgSchema).map((table) => getTableConfig(table).name);
    expect(tables.map((t) => t.tablename).sort()).toEqual(expected.sort());

    const applied = await journal(fresh.database.url);
    expect(applied.map((m) => m.hash)).toEqual(MIGRATIONS.map((m) => m.hash));
  });

  it('changes nothing when opened again, and keeps the rows', async () => {
    const before = await journal(fresh.database.url);
    const first = await openPostgres(fresh.database.url);
    await first.db.insert(pgSchema.heartbeats).values({ name: 'nightly-backup', state: 'waiting', watchedSince: new Date(1_700_000_000_123) });
    await first.close();

    const again = await openPostgres(fresh.database.url);
    try {
      expect(await journal(fresh.database.url)).toEqual(before);
      const [row] = await again.db.select().from(pgSchema.heartbeats);
      expect(row).toMatchObject({ name: 'nightly-backup', beats: 0, watchedSince: new Date(1_700_000_000_123) });
    } finally {
      await again.close();
    }
  });

  it('waits while another instance holds the migration lock, then opens', async () => {
    const holder = new pg.Client({ connectionString: fresh.database.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      let settled = false;
      const opening = openPostgres(fresh.database.url).finally(() => (settled = true));
      await waitUntil('the opener to wait for the migration lock', async () => (await lockWaiters(fresh.database.name)) === 1);
      expect(settled).toBe(false);
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
      await (await opening).close();
    } finally {
      await holder.end();
    }
  });

  it('says which server it cannot reach and what to check, without the password', async () => {
    const failure = await openPostgres('postgres://opsbot:hunter2-secret@127.0.0.1:1/opsbot').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StartupError);
    const message = (failure as Error).message;
    expect(message).toContain('127.0.0.1:1');
    expect(message).toContain('connection refused');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
  });

  it('rejects a DATABASE_URL that is not a postgres:// URL, without echoing it', async () => {
    const failure = await openPostgres('mysql://root:hunter2-secret@db/opsbot').catch((error: unknown) => error);
    expect((failure as Error).message).toBe('DATABASE_URL must start with postgres:// or postgresql://, not mysql://');
  });
});

/** How many sessions wait, not yet granted, for the migration lock in database `name`. */
async function lockWaiters(name: string): Promise<number> {
  const high = Number(MIGRATION_LOCK_KEY >> 32n);
  const low = Number(MIGRATION_LOCK_KEY & 0xffffffffn);
  const [row] = await queryRows<{ waiting: string }>(
    TEST_POSTGRES_ADMIN_URL,
    `SELECT count(*) AS waiting FROM pg_locks l JOIN pg_database d ON d.oid = l.database
     WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1 AND l.classid = $2 AND l.objid = $3 AND l.objsubid = 1`,
    [name, high, low],
  );
  return Number(row?.waiting ?? 0);
}
