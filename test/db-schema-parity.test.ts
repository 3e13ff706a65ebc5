import { POSTGRES_ONLY_INDEXES } from '../src/db/pg/postgres-only.js';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as pg from '../src/db/pg/schema.js';
import * as sqlite from '../src/db/schema.js';

/*
 * The store's two dialects describe one set of tables: the same names, columns, keys, indexes and
 * defaults, and rows of the same TypeScript types, so that code written against one runs on the other.
 * The type assertions fail `npm run typecheck`; the runtime one names the column or index that differs.
 */

type Selects<Schema> = { [Table in keyof Schema]: Schema[Table] extends { $inferSelect: infer Row } ? Row : never };
type Inserts<Schema> = { [Table in keyof Schema]: Schema[Table] extends { $inferInsert: infer Row } ? Row : never };

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  it('has the same tables with the same row types', () => {
    expectTypeOf<keyof typeof pg>().toEqualTypeOf<keyof typeof sqlite>();
    expectTypeOf<Selects<typeof pg>>().toEqualTypeOf<Selects<typeof sqlite>>();
    expectTypeOf<Inserts<typeof pg>>().toEqualTypeOf<Inserts<typeof sqlite>>();
  });

  it('has the same tables, columns, keys, indexes and defaults', () => {
    expect(Object.values(pg).map((table) => describePg(table)).sort(byName)).toEqual(
      Object.values(sqlite).map((table) => describeSqlite(table)).sort(byName),
    );
  });
});

interface TableShape {
  name: string;
  columns: string[];
  primaryKey: string[];
  foreignKeys: string[];
  indexes: string[];
}

const byName = (a: TableShape, b: TableShape) => a.name.localeCompare(b.name);

/** A column as `name notnull? default?`; a JSON default is compared by its value. */
function column(c: { name: string; notNull: boolean; hasDefault: boolean; default: unknown }): string {
  return [c.name, c.notNull ? 'not null' : 'null', c.hasDefault ? `default ${JSON.stringify(c.default)}` : ''].join(' ').trim();
}

function describePg(table: PgTable): TableShape {
  const config = pgTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.map(column).sort(),
    primaryKey: [...config.columns.filter((c) => c.primary).map((c) => c.name), ...config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name))],
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name)} → ${pgTableConfig(ref.foreignTable).name}(${ref.foreignColumns.map((c) => c.name)})`;
    }),
    indexes: config.indexes
      .filter((i) => !POSTGRES_ONLY_INDEXES.includes(i.config.name ?? ''))
      .map((i) => `${i.config.unique ? 'unique ' : ''}${i.config.name}(${i.config.columns.map((c) => ('name' in c ? c.name : '?'))})`)
      .sort(),
  };
}

function describeSqlite(table: SQLiteTable): TableShape {
  const config = sqliteTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.map(column).sort(),
    primaryKey: [...config.columns.filter((c) => c.primary).map((c) => c.name), ...config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name))],
    foreignKeys: config.foreignKeys.map((fk) => {
      const ref = fk.reference();
      return `${ref.columns.map((c) => c.name)} → ${sqliteTableConfig(ref.foreignTable).name}(${ref.foreignColumns.map((c) => c.name)})`;
    }),
    indexes: config.indexes
      .map((i) => `${i.config.unique ? 'unique ' : ''}${i.config.name}(${i.config.columns.map((c) => ('name' in c ? c.name : '?'))})`)
      .sort(),
  };
}
