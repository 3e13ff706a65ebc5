/**
 * What a 7-day uptime figure costs for a flapping service (50,000 state changes) through the Store:
 * `uptimeRatio` reading every row, and `UptimeBuckets` as /status and the dashboard ask for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteDb } from '../src/db/open.js';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import { uptimeRatio } from '../src/heal/uptime.js';
import { UptimeBuckets } from '../src/heal/uptime-buckets.js';
import { summarize, type Summary } from './stats.js';

const DAY = 86_400_000;
const CHANGES = 50_000;

async function timeAsync(iterations: number, fn: (i: number) => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(50, iterations); i++) await fn(i);
  const values: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn(i);
    values.push(performance.now() - t);
  }
  return summarize(values);
}

export async function runUptimeStages(): Promise<Array<[string, Summary]>> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-uptime-'));
  const db = openSqliteDb(dir);
  const store = openSqliteStore(dir, db);
  try {
    const now = Date.now();
    const insertEvent = db.$client.prepare("insert into service_events (service, at, kind, up) values ('flappy', ?, 'state', ?)");
    db.$client.transaction(() => {
      for (let i = 0; i < CHANGES; i++) insertEvent.run(now - 8 * DAY + i * ((8 * DAY) / CHANGES), i % 3 === 0 ? 0 : 1);
    })();
    const buckets = new UptimeBuckets(store);
    return [
      ['uptime over 7 d, 50,000 state changes: uptimeRatio (rows)', await timeAsync(10, () => uptimeRatio(store, 'flappy', new Date(now - 7 * DAY), new Date(now)))],
      ['uptime over 7 d, 50,000 state changes: UptimeBuckets (as /status)', await timeAsync(200, (i) => buckets.ratio('flappy', now + i - 7 * DAY, now + i))],
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
