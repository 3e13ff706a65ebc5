import { AsyncLocalStorage } from 'node:async_hooks';
import { Param, sql, type Column, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as tables from './pg/schema.js';

export type Tables = typeof tables;

/**
 * What the code queries through, on either dialect: drizzle's PostgreSQL query builder, typed with the
 * PostgreSQL tables. On SQLite it is a drizzle SQLite database over the SQLite tables, whose row types
 * are the same (test/db-schema-parity.test.ts); code keeps to what both run the same way: awaited
 * builders, `.returning()` for what changed, `.prepare(name).execute(…)`, and a branch on `dialect` where the
 * SQL itself differs.
 */
export type Db = PgDatabase<PgQueryResultHKT, Tables>;

export type Dialect = 'sqlite' | 'postgres';

/**
 * The store, the one way the code reaches its data. Reads outside a transaction go through `db`;
 * every write goes through `transaction` (on SQLite `db` is a read-only connection, so a write there
 * fails at once in the tests). A transaction started inside another joins it.
 */
export interface Store {
  readonly dialect: Dialect;
  /** What the store is called in messages: `SQLite` or `PostgreSQL`. */
  readonly name: string;
  /** The SQLite file, whose disk must keep room to write; null for PostgreSQL. */
  readonly file: string | null;
  /** The tables of this store's dialect, under the names of the schema. */
  readonly t: Tables;
  readonly db: Db;
  /**
   * A handle for one read statement that runs at once, before any await: on SQLite the writing
   * connection while no transaction is open on it (its page cache stays warm, where the read-only
   * connection re-reads every page it needs after each commit: 0.47 ms instead of 0.05 ms for the
   * delivery path's count of what waits at a destination), else `db`. Never for reads that span an
   * await: a transaction may begin on the writer in between.
   */
  instantReader(): Db;
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Which transaction the running code is inside, so that a transaction started within another joins
 * it. Work the transaction left running after it ended (a promise it did not await) starts its own.
 */
export class OpenTransactions {
  private readonly current = new AsyncLocalStorage<{ tx: Db; open: boolean }>();

  /** The transaction the caller is inside, while it is open. */
  joinable(): Db | undefined {
    const entry = this.current.getStore();
    return entry?.open ? entry.tx : undefined;
  }

  async run<T>(tx: Db, work: (tx: Db) => Promise<T>): Promise<T> {
    const entry = { tx, open: true };
    try {
      return await this.current.run(entry, () => work(tx));
    } finally {
      entry.open = false;
    }
  }
}

/**
 * `SELECT … FOR UPDATE`: on PostgreSQL it locks the rows read until the transaction ends, so two
 * instances cannot both act on what they read. SQLite runs one transaction at a time, so there is
 * nothing to lock and its query builder has no such clause.
 */
export function forUpdate<Query extends object>(query: Query): Query {
  const lockable = query as Query & { for?: (strength: 'update') => Query };
  return typeof lockable.for === 'function' ? lockable.for('update') : query;
}

/**
 * Statements built once per database handle with the tables of the store's dialect, for functions on
 * hot paths: on SQLite the writer and the reader are one handle each, so each statement is prepared
 * once; on PostgreSQL a transaction is a handle of its own, so they are built once per transaction.
 * Each statement passes a name to `.prepare(name)` unique in the program (PostgreSQL names them).
 */
export function statementsPerHandle<T>(prepare: (db: Db, t: Tables) => T): (store: Store, db: Db) => T {
  const prepared = new WeakMap<Db, T>();
  return (store, db) => {
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = prepare(db, store.t)));
    return statements;
  };
}

/**
 * A named placeholder that goes through `column`'s own mapping when the statement runs, as values do:
 * a Date becomes epoch milliseconds on SQLite and a timestamp on PostgreSQL, and null stays null. For
 * `.set()` of prepared updates, whose types take no bare placeholder.
 */
export function placeholderAs(column: Column, name: string): SQL {
  const encoder = { mapToDriverValue: (value: unknown) => (value === null ? null : column.mapToDriverValue(value)) };
  return sql`${new Param(sql.placeholder(name), encoder)}`;
}

/** A write another transaction got in first with (a unique key): running it again sees that row. */
function isUniqueViolation(error: unknown): boolean {
  const failure = error as { code?: unknown; cause?: unknown } | null;
  const code = failure?.code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  return failure?.cause !== undefined && isUniqueViolation(failure.cause);
}

/**
 * Runs a transaction again when it lost a race on a unique key to another instance's transaction
 * (two instances storing a firing alert with one dedup key): the next run finds the winner's row.
 */
export async function retryingUniqueRaces<T>(transaction: () => Promise<T>, onRetry: (attempt: number) => void, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= attempts) throw error;
      onRetry(attempt);
    }
  }
}

/**
 * A statement for `rows` rows at a time (a multi-row insert), prepared once per handle and row count:
 * one round trip for an alert's deliveries or its ladder instead of one per row. `prepare` names the
 * placeholders of row i with the suffix `_i`.
 */
export function statementsPerRowCount<T>(prepare: (db: Db, t: Tables, rows: number) => T): (store: Store, db: Db, rows: number) => T {
  const prepared = new WeakMap<Db, Map<number, T>>();
  return (store, db, rows) => {
    let byCount = prepared.get(db);
    if (!byCount) prepared.set(db, (byCount = new Map()));
    let statement = byCount.get(rows);
    if (!statement) byCount.set(rows, (statement = prepare(db, store.t, rows)));
    return statement;
  };
}

/** Runs `run` over `items` in chunks of `size`, one after the other (statements bounded in placeholders or list length), and joins what each returns. */
export async function inChunks<T, R>(items: readonly T[], size: number, run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) results.push(...(await run(items.slice(start, start + size))));
  return results;
}

/** `<name>_<row>` for each field name and row number, made once (a batch of 200 alerts names 2,000 of them). */
const rowKeys = new Map<string, string[]>();

function rowKey(name: string, row: number): string {
  let keys = rowKeys.get(name);
  if (!keys) rowKeys.set(name, (keys = []));
  return (keys[row] ??= `${name}_${row}`);
}

/** The placeholder values of a multi-row statement: each row's fields under `<name>_<row>`. */
export function rowPlaceholders(rows: ReadonlyArray<Record<string, unknown>>, into: Record<string, unknown> = {}): Record<string, unknown> {
  rows.forEach((row, i) => {
    for (const name in row) into[rowKey(name, i)] = row[name];
  });
  return into;
}
