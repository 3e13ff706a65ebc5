import type { DbOrTx } from './open.js';

/**
 * Statements prepared once per database handle, for functions that take the handle as an argument
 * and run on hot paths: `statementsFor(db)` prepares on the first call and reuses them afterwards.
 */
export function preparedPerHandle<T>(prepare: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const prepared = new WeakMap<DbOrTx, T>();
  return (db) => {
    let statements = prepared.get(db);
    if (!statements) prepared.set(db, (statements = prepare(db)));
    return statements;
  };
}
