import { bigint, timestamp } from 'drizzle-orm/pg-core';

/*
 * The column kinds the PostgreSQL schema uses where SQLite's carry a different storage class, chosen so
 * that every table's row types are the same in both dialects (test/db-schema-parity.test.ts).
 */

/** SQLite's `integer(…, { mode: 'timestamp_ms' })`: a Date with millisecond precision. */
export function instant(name: string) {
  return timestamp(name, { mode: 'date', withTimezone: true, precision: 3 });
}

/** A 64-bit integer read as a number, as SQLite's integer is: row ids, the ids pointing at them, epoch milliseconds. */
export function int64(name: string) {
  return bigint(name, { mode: 'number' });
}

/** A row id numbered by the database, 64-bit like SQLite's rowid; an insert may leave it out. */
export function rowId() {
  return int64('id').primaryKey().generatedByDefaultAsIdentity();
}
