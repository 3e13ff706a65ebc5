import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { openDb } from '../src/db/open.js';

const dir = mkdtempSync(join(tmpdir(), 'opsbot-accept-'));
const db = openDb(dir);
afterAll(() => {
  db.$client.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'test.yaml');
const acceptor = new AlertAcceptor(db);
const storedAlerts = () => (db.$client.prepare('select count(*) as n from alerts').get() as { n: number }).n;
const batch = [
  { severity: 'CRIT', title: 'disk full' },
  { severity: 'WARN', title: 'disk filling' },
].map((alert) => alertInputSchema.parse(alert));

it('stores a batch inside the caller’s transaction, so the caller’s rollback takes the whole batch back', () => {
  const before = storedAlerts();
  const acceptThenFail = db.$client.transaction(() => {
    const result = acceptor.acceptInTransaction(config, batch);
    expect(result.work).toHaveLength(4);
    expect(storedAlerts()).toBe(before + 2);
    throw new Error('the caller’s own work failed');
  });
  expect(acceptThenFail).toThrow('the caller’s own work failed');
  expect(storedAlerts()).toBe(before);

  db.$client.transaction(() => acceptor.acceptInTransaction(config, batch))();
  expect(storedAlerts()).toBe(before + 2);
});

it('refuses to run outside a transaction, where each row would commit on its own', () => {
  const before = storedAlerts();
  expect(() => acceptor.acceptInTransaction(config, batch)).toThrow(/needs an open transaction/);
  expect(storedAlerts()).toBe(before);
});
