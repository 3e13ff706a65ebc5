import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { openSqliteStore } from '../../src/db/sqlite-store.js';
import { openPostgresStore } from '../../src/db/postgres-store.js';
import type { Dialect, Store } from '../../src/db/store.js';
import { createThrowawayDatabase } from './postgres.js';

export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

export interface FreshStore {
  store: Store;
  /** Closes the store and removes its file or drops its database. */
  dispose(): Promise<void>;
}

/** An empty, migrated store: a SQLite file in a temporary folder, or a throw-away PostgreSQL database. */
export async function freshStore(dialect: Dialect, label: string): Promise<FreshStore> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `opsbot-${label}-`));
    const store = openSqliteStore(dir);
    return { store, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const database = await createThrowawayDatabase(label);
  const store = await openPostgresStore(database.url);
  return { store, dispose: async () => (await store.close(), await database.drop()) };
}

/**
 * The store contract: runs the block once per dialect, with a fresh store made before its tests and
 * disposed of after them. `store()` gives the block's store inside a test.
 */
export function describeEachStore(label: string, body: (store: () => Store, dialect: Dialect) => void): void {
  describe.each(DIALECTS)(`${label} (%s)`, (dialect) => {
    let fresh: FreshStore | undefined;
    beforeAll(async () => {
      fresh = await freshStore(dialect, label);
    });
    afterAll(async () => {
      await fresh?.dispose();
    });
    body(() => fresh!.store, dialect);
  });
}
