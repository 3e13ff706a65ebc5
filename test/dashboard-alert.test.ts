import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';

const CHROMIUM = '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };

/** A browser page logged in to the dashboard at `url` with the API token, as `name` when given, waiting at most 8 s for anything. */
async function loggedIn(browser: Browser, url: string, name?: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  await page.goto(`${url}/ops/governance/login`);
  await page.fill('input[name=token]', TEST_API_TOKEN);
  if (name) await page.fill('input[name=name]', name);
  await page.click('button[type=submit]');
  await page.waitForURL(`${url}/ops/governance`);
  return { context, page };
}

describe('the alert page of the dashboard, on a 390 px phone screen', () => {
  let tb: TestBot;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`the dashboard's browser test needs Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    tb = await startTestBot({ yaml: 'defaultRoute: { telegram: ["-200"] }\n' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.destroy();
  });

  it('shows the alert, where it went and why, its ladder and its audit trail; Ack, Silence and Resolve act on it', async () => {
    const posted = await tb.post('/api/v1/alerts', {
      severity: 'CRIT',
      title: 'Disk full on <db-1>',
      body: 'df says 100% on /var/lib/postgresql',
      service: 'postgres',
      labels: { host: 'db-1', env: 'prod' },
      link: 'https://grafana.example/d/disk',
    });
    const id = posted.body.alerts[0].id as number;

    const { context, page } = await loggedIn(browser, tb.url, 'alice', PHONE);
    expect(await page.textContent('#alerts .counts')).toContain('1 deliveries pending (1 for telegram, which has no token set: they wait for one; opsbot doctor names the variable)');
    expect(await page.getAttribute('meta[http-equiv=refresh]', 'content')).toBe('30');
    expect((await tb.get('/api/v1/alerts?text=disk%20FULL')).body.alerts.map((a: { id: number }) => a.id)).toEqual([id]);
    expect((await tb.get('/api/v1/alerts?text=50%25_off')).body.alerts).toEqual([]);
    await page.click('header nav a:has-text("Alerts")');
    await page.selectOption('select[name=severity]', 'CRIT');
    await page.fill('input[name=text]', 'DISK FULL');
    await page.click('#alert-list button:has-text("Filter")');
    await page.waitForURL(/severity=CRIT/);
    expect(await page.locator('#alert-list tr[data-alert]').count()).toBe(1);
    await page.fill('input[name=text]', 'nothing like this');
    await page.click('#alert-list button:has-text("Filter")');
    await page.waitForSelector('text=No alert matches.');
    await page.goto(`${tb.url}/ops/governance`);
    await page.click(`tr[data-alert="${id}"] a`);
    await page.waitForURL(`${tb.url}/ops/governance/alerts/${id}`);

    const alert = page.locator('#alert');
    expect(await alert.locator('h2').textContent()).toBe(`CRIT #${id} Disk full on <db-1>`);
    expect(await alert.textContent()).toContain('df says 100% on /var/lib/postgresql');
    expect(await page.locator('table.labels').textContent()).toMatch(/host\s*db-1/);
    expect(await page.locator('#route').textContent()).toContain('no route matched: the default route; escalation default');
    expect(await page.locator('#route tr[data-delivery]').textContent()).toMatch(/telegram\s*-200\s*default\s*pending/);
    expect(await page.locator('#ladder tbody tr').count()).toBe(5);
    expect(await page.textContent('#audit')).toContain('Nobody has acted on it yet.');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.click('#alert button:has-text("Ack")');
    await page.waitForSelector(`text=Alert #${id} acknowledged by alice.`);
    expect(await page.textContent('#audit')).toMatch(/alice\s*dashboard \(dashboard\)\s*ack\s*ok/);

    await page.selectOption('select[name=duration]', '4h');
    await page.fill('input[name=comment]', 'disk being replaced');
    await page.click('#alert button:has-text("Silence")');
    await page.waitForSelector('text=on service=postgres,host=db-1,env=prod for 4h');
    const silences = (await tb.get('/api/v1/silences')).body.silences as Array<{ reason: string; createdBy: string; matchers: unknown[] }>;
    expect(silences).toEqual([expect.objectContaining({ reason: 'disk being replaced', createdBy: 'alice', matchers: [{ name: 'service', op: '=', value: 'postgres' }, { name: 'host', op: '=', value: 'db-1' }, { name: 'env', op: '=', value: 'prod' }] })]);

    await page.click('#alert button:has-text("Resolve")');
    await page.waitForSelector(`text=Alert #${id} resolved by alice.`);
    expect(await page.locator('#alert .actions').count()).toBe(0);
    expect((await tb.get(`/api/v1/alerts/${id}`)).body).toMatchObject({ status: 'resolved', resolvedBy: 'alice' });
    expect((await page.locator('#audit tbody tr').allTextContents()).map((row) => /(ack|silence|resolve)/.exec(row)?.[1])).toEqual(['resolve', 'silence', 'ack']);
    await context.close();
  });

  it('an unknown alert is a 404', async () => {
    const { context, page } = await loggedIn(browser, tb.url);
    const response = await page.goto(`${tb.url}/ops/governance/alerts/999999`);
    expect(response?.status()).toBe(404);
    await context.close();
  });
});

describe('the silences page of the dashboard', () => {
  let tb: TestBot;
  let browser: Browser;
  beforeAll(async () => {
    tb = await startTestBot({});
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.destroy();
  });

  it('previews what a silence would hold, creates it, lists it and expires it; a bad matcher says why', async () => {
    await tb.post('/api/v1/alerts', [
      { severity: 'CRIT', title: 'cache node down', service: 'cache', labels: { env: 'prod' } },
      { severity: 'WARN', title: 'cache slow', service: 'cache', labels: { env: 'prod' } },
      { severity: 'WARN', title: 'cache staging', service: 'cache', labels: { env: 'staging' } },
    ]);
    const { context, page } = await loggedIn(browser, tb.url, 'carol', PHONE);
    await page.click('header nav a:has-text("Silences")');
    await page.waitForURL(`${tb.url}/ops/governance/silences`);

    await page.fill('input[name=matchers]', 'service=cache,env=~pro.*');
    await page.selectOption('#new-silence select[name=duration]', '4h');
    await page.fill('input[name=comment]', 'cache migration');
    await page.click('#new-silence button:has-text("Preview")');
    await page.waitForSelector('#preview');
    expect(await page.textContent('#preview')).toContain('Matches 2 firing alerts');
    expect(await page.locator('#preview tbody tr').count()).toBe(2);
    await page.click('#preview button:has-text("Silence 2 firing alerts for 4h")');
    await page.waitForSelector('text=on service=cache,env=~pro.* for 4h');
    const row = page.locator('#silences tr[data-silence]').first();
    expect(await row.textContent()).toMatch(/active\s*service=cache,env=~pro\.\*.*2\s*carol\s*cache migration/s);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await row.locator('button:has-text("Expire")').click();
    await page.waitForSelector('text=ended by carol');
    expect(await page.locator('#silences tr[data-silence]').first().textContent()).toContain('expired');

    await page.fill('input[name=matchers]', 'service');
    await page.fill('input[name=comment]', 'x');
    await page.click('#new-silence button:has-text("Preview")');
    await page.waitForSelector('text=is not a matcher');
    expect(await page.locator('#preview').count()).toBe(0);
    await page.click('header nav a:has-text("Audit")');
    await page.fill('#audit-log input[name=command]', 'unsilence');
    await page.click('#audit-log button:has-text("Filter")');
    await page.waitForURL(/command=unsilence/);
    expect(await page.locator('#audit-log tr[data-audit]').allTextContents()).toEqual([expect.stringMatching(/carol\s*dashboard \(dashboard\)\s*unsilence silence=\d+\s*ok/)]);
    for (const command of ['silence', 'unsilence']) {
      const [entry] = (await tb.get(`/api/v1/audit?command=${command}`)).body.entries as Array<{ via: string; userName: string; result: string }>;
      expect(entry).toMatchObject({ via: 'dashboard', userName: 'carol', result: 'ok' });
    }
    await context.close();
  });
});

describe('a report on the dashboard', () => {
  let tb: TestBot;
  let browser: Browser;
  const reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-dashboard-report-'));
  beforeAll(async () => {
    tb = await startTestBot({ yaml: `opsCycle: { reportsDir: ${reportsDir} }\n` });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await tb?.destroy();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('is rendered as HTML (headings, tables), and alert text in it stays text: no tag, no javascript: link', async () => {
    await tb.post('/api/v1/alerts', { severity: 'CRIT', title: '<script>window.hacked=1</script> [click](javascript:window.hacked=2) **loud**', service: 'web' });
    const name = (await tb.post('/api/v1/reports', { by: 'test' })).body.report.name as string;
    const { context, page } = await loggedIn(browser, tb.url);
    await page.goto(`${tb.url}/ops/governance/reports/${name}`);
    expect(await page.textContent('section.report h1')).toBe(`Ops report ${name}`);
    expect(await page.locator('section.report table').count()).toBeGreaterThan(0);
    expect(await page.textContent('section.report')).toContain('<script>window.hacked=1</script>');
    expect(await page.locator('section.report script').count()).toBe(0);
    expect(await page.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBeUndefined();
    await context.close();
  });
});
