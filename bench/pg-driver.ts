/**
 * Which PostgreSQL driver opsbot's store runs on, measured: drizzle-orm over `pg` (node-postgres Pool)
 * and over `postgres` (postgres.js), each on a throw-away database of the machine's PostgreSQL
 * (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
 *
 * Per driver: N single-row INSERT … RETURNING id, N SELECTs by primary key, and N intake-like
 * transactions (an alert and its two deliveries) at concurrency 10, each with ops/s and p50/p99. Then the
 * behaviours the store relies on: SELECT … FOR UPDATE SKIP LOCKED, a bigint column read as a number.
 *
 * Only the chosen driver is a dependency; to measure the other, `npm install --no-save pg` or
 * `npm install --no-save postgres` first. A driver that is not installed is reported and skipped.
 *
 *   npx tsx bench/pg-driver.ts [--n=2000] [--reverse]   (--reverse measures postgres.js first)
 */
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { bigint, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { int, ms, summarize, table } from './stats.js';

const ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 2000);
const CONCURRENCY = 10;

const benchAlerts = pgTable('bench_alerts', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  count: bigint('count', { mode: 'number' }).notNull().default(1),
  firedAt: timestamp('fired_at', { mode: 'date', withTimezone: true, precision: 3 }).notNull(),
});

const benchDeliveries = pgTable('bench_deliveries', {
  id: serial('id').primaryKey(),
  alertId: integer('alert_id').notNull().references(() => benchAlerts.id),
  destination: text('destination').notNull(),
  state: text('state').notNull(),
});

type AnyPg = PgDatabase<PgQueryResultHKT>;

interface Driver {
  name: string;
  open(url: string): Promise<{ db: AnyPg; close(): Promise<void> }>;
}

const DRIVERS: Driver[] = [
  {
    name: 'pg (node-postgres Pool)',
    async open(url) {
      const { drizzle } = await import('drizzle-orm/node-postgres');
      const db = drizzle({ connection: { connectionString: url, max: CONCURRENCY } });
      return { db, close: () => db.$client.end() };
    },
  },
  {
    name: 'postgres (postgres.js)',
    async open(url) {
      const { drizzle } = await import('drizzle-orm/postgres-js');
      const db = drizzle({ connection: { url, max: CONCURRENCY, onnotice: () => {} } });
      // Typed loosely on purpose: postgres.js is not a dependency, so its types may be absent.
      const client = db.$client as unknown as { end(): Promise<void> };
      return { db, close: () => client.end() };
    },
  },
];

async function timed(count: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await op(i);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { opsPerSecond: count / seconds, ...summarize(latencies) };
}

async function createTables(db: AnyPg): Promise<void> {
  await db.execute(sql`drop table if exists bench_deliveries, bench_alerts`);
  await db.execute(
    sql`create table bench_alerts (id serial primary key, title text not null, count bigint not null default 1, fired_at timestamptz(3) not null)`,
  );
  await db.execute(
    sql`create table bench_deliveries (id serial primary key, alert_id integer not null references bench_alerts(id), destination text not null, state text not null)`,
  );
}

/** The measured operations, then the behaviour checks, for one driver on a fresh pair of tables. */
async function measure(db: AnyPg): Promise<string[][]> {
  await createTables(db);
  const insert = await timed(N, 1, (i) =>
    db.insert(benchAlerts).values({ title: `alert ${i}`, firedAt: new Date() }).returning({ id: benchAlerts.id }),
  );
  const select = await timed(N, 1, (i) => db.select().from(benchAlerts).where(eq(benchAlerts.id, (i % N) + 1)));
  const intake = await timed(N, CONCURRENCY, (i) =>
    db.transaction(async (tx) => {
      const [row] = await tx.insert(benchAlerts).values({ title: `intake ${i}`, firedAt: new Date() }).returning({ id: benchAlerts.id });
      await tx.insert(benchDeliveries).values([
        { alertId: row!.id, destination: 'discord:1', state: 'pending' },
        { alertId: row!.id, destination: 'telegram:1', state: 'pending' },
      ]);
    }),
  );
  const rows: Array<[string, Awaited<ReturnType<typeof timed>>]> = [
    [`INSERT … RETURNING id ×${N}`, insert],
    [`SELECT by id ×${N}`, select],
    [`intake transaction ×${N}, concurrency ${CONCURRENCY}`, intake],
  ];
  return rows.map(([what, r]) => [what, int(r.opsPerSecond), ms(r.p50), ms(r.p99)]);
}

/** Whether a second transaction skips the row the first holds FOR UPDATE, and a bigint reads as a number. */
async function behaviour(db: AnyPg): Promise<string> {
  const [first] = await db.select({ id: benchAlerts.id, count: benchAlerts.count }).from(benchAlerts).orderBy(benchAlerts.id).limit(1);
  let skipped = false;
  let releaseFirst!: () => void;
  const holding = new Promise<void>((resolve) => (releaseFirst = resolve));
  let markLocked!: () => void;
  const locked = new Promise<void>((resolve) => (markLocked = resolve));
  const holder = db.transaction(async (tx) => {
    await tx.select().from(benchAlerts).where(eq(benchAlerts.id, first!.id)).for('update');
    markLocked();
    await holding;
  });
  await locked;
  await db.transaction(async (tx) => {
    const seen = await tx.select().from(benchAlerts).where(eq(benchAlerts.id, first!.id)).for('update', { skipLocked: true });
    skipped = seen.length === 0;
  });
  releaseFirst();
  await holder;
  return `SKIP LOCKED skips a held row: ${skipped}; bigint(mode number) reads as ${typeof first!.count}`;
}

async function main(): Promise<void> {
  const name = `opsbot_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = await firstAvailable();
  await admin.db.execute(sql.raw(`create database ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const rows = [['driver / operation', 'ops/s', 'p50', 'p99']];
  const notes: string[] = [];
  try {
    const order = process.argv.includes('--reverse') ? [...DRIVERS].reverse() : DRIVERS;
    for (const driver of order) {
      const opened = await driver.open(url.toString()).catch((error: Error) => error);
      if (opened instanceof Error) {
        notes.push(`${driver.name}: not installed (${opened.message.split('\n')[0]})`);
        continue;
      }
      try {
        for (const row of await measure(opened.db)) rows.push([`${driver.name}: ${row[0]}`, ...row.slice(1)]);
        notes.push(`${driver.name}: ${await behaviour(opened.db)}`);
      } finally {
        await opened.close();
      }
    }
  } finally {
    await admin.db.execute(sql.raw(`drop database ${name} with (force)`));
    await admin.close();
  }
  console.log(table(rows));
  for (const note of notes) console.log(note);
}

async function firstAvailable(): Promise<{ db: AnyPg; close(): Promise<void> }> {
  for (const driver of DRIVERS) {
    const opened = await driver.open(ADMIN_URL).catch(() => null);
    if (opened) return opened;
  }
  throw new Error('Neither pg nor postgres is installed: npm install first');
}

await main();
