import Database from 'better-sqlite3';
import pg from 'pg';

export interface StoreRefusal {
  /** `SQLite` or `PostgreSQL`. */
  store: string;
  code: string;
  message: string;
}

/**
 * What the store said when it refused a statement (a full disk, a lost connection's server error, a
 * read-only database), from the error itself or the one drizzle wrapped; undefined for any other error.
 */
export function storeRefusal(error: unknown): StoreRefusal | undefined {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Database.SqliteError) return { store: 'SQLite', code: cause.code, message: cause.message };
  if (cause instanceof pg.DatabaseError) return { store: 'PostgreSQL', code: cause.code ?? 'unknown', message: cause.message };
  return undefined;
}
