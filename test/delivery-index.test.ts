import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { acknowledgeAlert, resolveAlert } from '../src/alerts/lifecycle.js';
import { parseConfigText } from '../src/config/load.js';
import { openSqliteDb, type SqliteDb } from '../src/db/open.js';
import { openSqliteStore } from '../src/db/sqlite-store.js';
import * as schema from '../src/db/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-delivery-index-'));
openSqliteDb(dir).$client.close();
/** The migrated store opened again with every statement it runs recorded (parameters filled in). */
const executed: string[] = [];
const sqlite = new Database(join(dir, 'opsbot.sqlite'), { verbose: (text) => executed.push(String(text)) });
const store = openSqliteStore(dir, drizzle(sqlite, { schema }) as unknown as SqliteDb);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'test.yaml');
const alert = (extra: Record<string, unknown>) => alertInputSchema.parse({ severity: 'CRIT', title: 'disk full', dedupKey: 'disk-db1', ...extra });

function planOf(statement: string): string {
  return (sqlite.prepare(`EXPLAIN QUERY PLAN ${statement}`).all() as Array<{ detail: string }>).map((row) => row.detail).join('\n');
}

it("dedup, ack and resolve find an alert's deliveries through the alert, never by scanning a delivery state", async () => {
  const acceptor = new AlertAcceptor(store);
  const [first] = (await acceptor.accept(config, [alert({})])).results;
  const alertId = (first as { id: number }).id;
  executed.length = 0;
  await acceptor.accept(config, [alert({})]);
  await acknowledgeAlert(store, alertId, 'alice');
  await acceptor.accept(config, [alert({ status: 'resolved' })]);
  const [second] = (await acceptor.accept(config, [alert({ dedupKey: 'disk-db2' })])).results;
  await resolveAlert(store, (second as { id: number }).id, 'bob', config);

  const byAlert = executed.filter((statement) => /from "deliveries" where .*"deliveries"\."alert_id" = /i.test(statement));
  expect(byAlert.length).toBeGreaterThanOrEqual(4);
  for (const statement of byAlert) {
    const plan = planOf(statement);
    expect(plan, statement).toMatch(/SEARCH deliveries USING (COVERING )?INDEX deliveries_alert_state \(alert_id=\?/);
    expect(plan, statement).not.toMatch(/INDEX deliveries_state\b/);
  }
});
