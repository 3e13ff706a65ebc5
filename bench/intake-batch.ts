/**
 * The intake transaction alone (AlertAcceptor, no HTTP, no queues): µs per alert for 200-alert
 * batches like phase (b)'s (one in ten CRIT with a ladder, two destinations each, no dedup key),
 * on a SQLite file and on a throw-away PostgreSQL database.
 *
 *   npx tsx bench/intake-batch.ts [--batches=100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { openPostgresStore } from '../src/db/postgres-store.js';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import type { Store } from '../src/db/store.js';
import { createThrowawayDatabase } from '../test/helpers/postgres.js';

const batches = Number(process.argv.find((a) => a.startsWith('--batches='))?.split('=')[1] ?? 100);
const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'bench.yaml');
const batch = (n: number) =>
  Array.from({ length: 200 }, (_, j) => alertInputSchema.parse({ severity: j % 10 === 0 ? 'CRIT' : 'WARN', title: `batch ${n} item ${j}`, service: 'bench', labels: { bench: 'intake', item: String(j) } }));

async function measure(store: Store, count: number): Promise<number> {
  const acceptor = new AlertAcceptor(store);
  for (let n = 0; n < 5; n++) await acceptor.accept(config, batch(n));
  const start = performance.now();
  for (let n = 0; n < count; n++) await acceptor.accept(config, batch(n));
  return ((performance.now() - start) * 1000) / (count * 200);
}

const dir = mkdtempSync(join(tmpdir(), 'opsbot-intake-batch-'));
const sqlite = openSqliteStore(dir);
console.log(`SQLite: ${(await measure(sqlite, batches)).toFixed(1)} µs/alert (${batches} batches of 200)`);
await sqlite.close();
rmSync(dir, { recursive: true, force: true });

const database = await createThrowawayDatabase('bench_intake');
const postgres = await openPostgresStore(database.url);
console.log(`PostgreSQL: ${(await measure(postgres, Math.max(1, Math.round(batches / 5)))).toFixed(1)} µs/alert (${Math.max(1, Math.round(batches / 5))} batches of 200)`);
await postgres.close();
await database.drop();
