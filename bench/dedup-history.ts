/**
 * What a repeat of one dedupKey costs once the store holds a long history: 100,000 summarized
 * deliveries (1,000 storm summaries of 50,000 resolved alerts) and then 1,000 repeats of one
 * firing alert, each its own committed transaction. Before the deliveries_alert_state index
 * (migration 0008) SQLite found a repeat's summaries through deliveries_state and read every
 * summarized delivery ever stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { openSqliteDb } from '../src/db/open.js';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import type { Summary } from './stats.js';
import { timeAsync } from './stages.js';

const SUMMARIZED = 100_000;
const REPEATS = 1_000;

export async function runDedupHistoryStage(): Promise<Array<[string, Summary]>> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-bench-dedup-history-'));
  try {
    const db = openSqliteDb(dir);
    const now = Date.now();
    db.$client.transaction(() => {
      db.$client
        .prepare(
          `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
           insert into summaries (platform, destination, state, alert_count, message_id, created_at, sent_at) select 'telegram', '-100', 'sent', 100, i, ?, ? from n`,
        )
        .run(SUMMARIZED / 100, now, now);
      db.$client
        .prepare(
          `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
           insert into alerts (severity, title, labels, status, route, fired_at, last_seen_at, accepted_at, resolved_at) select 'WARN', 'old ' || i, '{}', 'resolved', '{}', ?, ?, ?, ? from n`,
        )
        .run(SUMMARIZED / 2, now, now, now, now);
      db.$client
        .prepare(
          `with recursive n(i) as (select 0 union all select i + 1 from n where i < ? - 1)
           insert into deliveries (alert_id, platform, destination, state, summary_id, created_at) select i / 2 + 1, 'telegram', '-100', 'summarized', i / 100 + 1, ? from n`,
        )
        .run(SUMMARIZED, now);
    })();
    const file = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-100"] }\n', 'bench.yaml');
    const store = openSqliteStore(dir, db);
    const acceptor = new AlertAcceptor(store);
    const repeat = alertInputSchema.parse({ severity: 'CRIT', title: 'disk full', dedupKey: 'disk-db1' });
    await acceptor.accept(file, [repeat]);
    const summary = await timeAsync(REPEATS, () => acceptor.accept(file, [repeat]));
    await store.close();
    const total = ((summary.mean * summary.n) / 1000).toFixed(2);
    return [[`dedup repeat of one key, ${SUMMARIZED.toLocaleString('en-US')} summarized deliveries stored (committed; ${summary.n} repeats: ${total} s)`, summary]];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
