import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';

/** The machine's PostgreSQL (trust authentication for user postgres), on which tests make their own databases. */
export const TEST_POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  name: string;
  /** postgres://… of the new database. */
  url: string;
  /** Drops it, ending any connection still open to it. */
  drop(): Promise<void>;
}

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Creates an empty database of this test's own, named after `label`, the process id and a random suffix. */
export async function createThrowawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const name = `opsbot_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await asAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** A throw-away database created before the enclosing file's (or describe block's) tests and dropped after them. */
export function useThrowawayDatabase(label: string): { readonly database: ThrowawayDatabase } {
  let database: ThrowawayDatabase | undefined;
  beforeAll(async () => {
    database = await createThrowawayDatabase(label);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get database() {
      return database!;
    },
  };
}

/** Runs one query on `url` over a connection of its own, and returns the rows. */
export async function queryRows<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}
