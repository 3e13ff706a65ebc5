import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missedCriteria, successCriteria } from '../src/reports/criteria.js';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { dashboardCookie } from './helpers/dashboard-session.js';
import { freshStore, type FreshStore } from './helpers/stores.js';

const NOW = new Date('2026-12-05T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the success criteria, measured from the store', () => {
  let fresh: FreshStore;
  let files: string;
  beforeAll(async () => {
    fresh = await freshStore('sqlite', 'criteria');
    files = mkdtempSync(join(tmpdir(), 'opsbot-criteria-'));
    const { store } = fresh;
    const { alerts, deliveries, healRuns, dashboardRequests, instanceRuns, reports } = store.t;
    await store.transaction(async (tx) => {
      // Heal runs: 99 healed and 1 failed in the last day; 5 failed four days ago.
      const run = (at: Date, state: 'succeeded' | 'failed') => ({ service: 'web', action: 'fix', trigger: 'probe' as const, triggeredBy: 'probe', state, startedAt: at });
      await tx.insert(healRuns).values([...Array.from({ length: 99 }, () => run(ago(HOUR), 'succeeded')), run(ago(HOUR), 'failed'), ...Array.from({ length: 5 }, () => run(ago(4 * DAY), 'failed'))]);
      // Deliveries: 50 posted within 1 s of their alert yesterday, 10 posted 8 s after it five days ago.
      for (const [count, at, delayMs] of [
        [50, ago(DAY), 800],
        [10, ago(5 * DAY), 8_000],
      ] as const) {
        for (let i = 0; i < count; i++) {
          const [alert] = await tx
            .insert(alerts)
            .values({ severity: 'WARN', title: 't', labels: {}, status: 'firing', route: { matched: [], usedDefault: true, destinations: [] }, firedAt: at, lastSeenAt: at, acceptedAt: at })
            .returning();
          await tx.insert(deliveries).values({ alertId: alert!.id, platform: 'telegram', destination: '-1', state: 'sent', createdAt: at, sentAt: new Date(at.getTime() + delayMs) });
        }
      }
      // Dashboard pages: 200 fast ones, and 5 slow ones three days ago.
      await tx.insert(dashboardRequests).values([...Array.from({ length: 200 }, () => ({ at: ago(HOUR), durationMs: 12 })), ...Array.from({ length: 5 }, () => ({ at: ago(3 * DAY), durationMs: 900 }))]);
      // opsbot's runs: one ended six days ago, the next began ten minutes later; the current one since a day ago follows it seamlessly.
      await tx.insert(instanceRuns).values([
        { instance: 'a', startedAt: ago(7 * DAY), lastBeatAt: ago(6 * DAY) },
        { instance: 'a', startedAt: new Date(ago(6 * DAY).getTime() + 10 * 60_000), lastBeatAt: ago(DAY) },
        { instance: 'a', startedAt: new Date(ago(DAY).getTime() + 3_000), lastBeatAt: ago(2_000) },
      ]);
    });
    // Scheduled reports: yesterday's written and readable, the one before its files gone.
    const report = (name: string, at: Date, write: boolean) => {
      const markdownPath = join(files, `${name}.md`);
      const jsonPath = join(files, `${name}.json`);
      if (write) {
        writeFileSync(markdownPath, '# report');
        writeFileSync(jsonPath, JSON.stringify({ name }));
      }
      return { name, at, periodStart: at, trigger: 'schedule', markdownPath, jsonPath, headline: '', failures: [] };
    };
    await store.transaction((tx) => tx.insert(reports).values([report('OPS_yesterday', ago(DAY), true), report('OPS_lost', ago(3 * DAY), false)]));
  });
  afterAll(async () => {
    await fresh?.dispose();
    rmSync(files, { recursive: true, force: true });
  });

  it('each criterion over 48 h and 7 d against its target, and which were missed', async () => {
    const criteria = await successCriteria(fresh.store, NOW);
    const byName = Object.fromEntries(criteria.map((c) => [c.name, c.windows]));
    expect(byName['auto-heal success rate']).toEqual({ '48 h': { value: '99.0 % of 100 runs', met: true }, '7 d': { value: '94.3 % of 105 runs', met: false } });
    expect(byName['alert delivery time']).toEqual({ '48 h': { value: 'p50 0.80 s · p99 0.80 s over 50', met: true }, '7 d': { value: 'p50 0.80 s · p99 8.00 s over 60', met: false } });
    expect(byName['dashboard latency']).toEqual({ '48 h': { value: 'p99 12 ms over 200 pages', met: true }, '7 d': { value: 'p99 900 ms over 205 pages', met: false } });
    expect(byName['longest time opsbot was down']).toEqual({ '48 h': { value: 'never down', met: true }, '7 d': { value: '10m at the longest', met: false } });
    expect(byName['daily reports written and verified']).toEqual({ '48 h': { value: '1 written and verified', met: true }, '7 d': { value: '1 of 2 missing or unreadable: OPS_lost', met: false } });
    expect(missedCriteria(criteria)).toContain('alert delivery time (7 d): p50 0.80 s · p99 8.00 s over 60, target p50 and p99 < 3 s');
    expect(missedCriteria(criteria)).toHaveLength(5);
  });
});

describe('the success criteria in the report, the digest and the dashboard', () => {
  let bot: TestBot;
  let reportsDir: string;
  beforeAll(async () => {
    reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-reports-'));
    bot = await startTestBot({ yaml: `opsCycle: { reportsDir: ${JSON.stringify(reportsDir)} }\n` });
  });
  afterAll(async () => {
    await bot?.destroy();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('a cycle writes them into its report; the dashboard shows them and records its own page times', async () => {
    const cookie = await dashboardCookie(bot);
    const page = () => fetch(`${bot.url}/ops/governance`, { headers: { cookie } }).then((r) => r.text());
    expect(await page()).toContain('Measured by each ops cycle; none has run yet.');

    const { body } = await bot.post('/api/v1/reports', { by: 'test' });
    const json = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(body.report.jsonPath, 'utf8')));
    const dashboard = json.criteria.find((c: { name: string }) => c.name === 'dashboard latency');
    expect(dashboard.windows['48 h']).toMatchObject({ value: expect.stringMatching(/^p99 \d+ ms over 1 pages$/), met: true });
    const markdown = await import('node:fs/promises').then((fs) => fs.readFile(body.report.path, 'utf8'));
    expect(markdown).toContain('## Success criteria');
    expect(markdown).toMatch(/\| longest time opsbot was down \| < 2m \| never down \(met\) \| never down \(met\) \|/);
    expect(await page()).toContain(`As report ${body.report.name} measured them`);
  });
});
