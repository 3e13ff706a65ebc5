import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root.js';
import * as schema from './schema.js';

export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Opens (creating when missing) the SQLite store in `dataDir`, in WAL mode, with every migration of drizzle/sqlite/ applied. */
export function openSqliteDb(dataDir: string): SqliteDb {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(join(dataDir, 'opsbot.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: join(projectRoot, 'drizzle', 'sqlite') });
  return db;
}
