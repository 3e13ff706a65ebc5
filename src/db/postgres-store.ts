import type { Logger } from 'pino';
import { openPostgres } from './pg/open.js';
import * as pgTables from './pg/schema.js';
import { OpenTransactions, type Db, type Store } from './store.js';

/** The shared store of several instances: PostgreSQL at `url` (DATABASE_URL), migrated on open under the migration lock. */
export async function openPostgresStore(url: string, log?: Logger): Promise<Store> {
  const { db, close } = await openPostgres(url, log);
  const open = new OpenTransactions();
  return {
    dialect: 'postgres',
    name: 'PostgreSQL',
    file: null,
    t: pgTables,
    db: db as unknown as Db,
    instantReader: () => db as unknown as Db,
    transaction(work) {
      const joined = open.joinable();
      if (joined) return work(joined);
      return db.transaction((tx) => open.run(tx as unknown as Db, work));
    },
    close,
  };
}
