import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { join } from 'node:path';
import { openSqliteDb, type SqliteDb } from './open.js';
import * as sqliteTables from './schema.js';
import { OpenTransactions, type Db, type Store, type Tables } from './store.js';

/**
 * The embedded store: one SQLite file in `dataDir`, migrated on open. Writes run on one connection,
 * one transaction at a time (SQLite has one writer; the queue keeps a transaction's awaits from
 * letting another's statements in). Reads outside a transaction use a second, read-only connection,
 * which sees what is committed and never a transaction's half; a single read statement run at once
takes the writing connection while no transaction is open on it (`instantReader`). `writer`: a connection already opened
 * on that file (a test's or a benchmark's, recording what it runs).
 */
export interface SqliteStore extends Store {
  /** The connection that writes, for what must act on it (a test filling the disk, a benchmark's pragmas). */
  readonly writer: SqliteDb;
}

export function openSqliteStore(dataDir: string, writer: SqliteDb = openSqliteDb(dataDir)): SqliteStore {
  const reader = new Database(join(dataDir, 'opsbot.sqlite'), { readonly: true, fileMustExist: true });
  reader.pragma('busy_timeout = 5000');
  const writeDb = writer as unknown as Db;
  const readDb = drizzle(reader, { schema: sqliteTables }) as unknown as Db;
  const open = new OpenTransactions();
  let queue: Promise<unknown> = Promise.resolve();

  async function runTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    writer.$client.exec('BEGIN IMMEDIATE');
    try {
      const result = await open.run(writeDb, work);
      writer.$client.exec('COMMIT');
      return result;
    } catch (error) {
      if (writer.$client.inTransaction) writer.$client.exec('ROLLBACK');
      throw error;
    }
  }

  return {
    dialect: 'sqlite',
    writer,
    name: 'SQLite',
    file: writer.$client.name,
    t: sqliteTables as unknown as Tables,
    db: readDb,
    instantReader: () => (writer.$client.inTransaction ? readDb : writeDb),
    transaction(work) {
      const joined = open.joinable();
      if (joined) return work(joined);
      const turn = queue.then(() => runTransaction(work));
      queue = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      await queue;
      reader.close();
      writer.$client.close();
    },
  };
}
