import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { waitUntil } from './helpers/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const yaml = `
services:
  - name: sleeper
    role: "batch <worker>"
    owner: team-ops
    command: ["sleep", "1000"]
heartbeats:
  - name: nightly-backup
    description: pg_dump of the main database
    period: 1d
`;

let tb: TestBot;
let browser: Browser;
const shots = mkdtempSync(join(tmpdir(), 'opsbot-dashboard-shots-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the dashboard's browser test needs Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  tb = await startTestBot({ yaml });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await tb?.destroy();
  rmSync(shots, { recursive: true, force: true });
});

describe('governance dashboard in a real browser', () => {
  it('sends an anonymous visitor to the login page, and refuses a wrong token', async () => {
    const anonymous = await fetch(`${tb.url}/ops/governance`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/ops/governance/login');

    const page = await browser.newPage();
    await page.goto(`${tb.url}/ops/governance`);
    expect(new URL(page.url()).pathname).toBe('/ops/governance/login');
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Wrong token or password.');
    expect(new URL(page.url()).pathname).toBe('/ops/governance/login');
    expect((await browser.contexts()[0]!.cookies()).some((c) => c.name === 'opsbot_dashboard')).toBe(false);
    await page.close();
  });

  it('logs in, acks a firing alert, disables a service, and takes a screenshot', async () => {
    const posted = await tb.post('/api/v1/alerts', { severity: 'CRIT', title: 'Postgres primary <down>', service: 'postgres' });
    const alertId = posted.body.alerts[0].id as number;
    await waitUntil('the service to run', async () => (await tb.get('/api/v1/services')).body.services[0].state === 'running');

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${tb.url}/ops/governance/login`);
    await page.fill('input[name=token]', TEST_API_TOKEN);
    await page.fill('input[name=name]', 'alice');
    await page.click('button[type=submit]');
    await page.waitForURL(`${tb.url}/ops/governance`);

    const row = page.locator(`tr[data-alert="${alertId}"]`);
    await expect(row.textContent()).resolves.toContain('Postgres primary <down>');
    expect(await page.locator('tr[data-service="sleeper"]').textContent()).toContain('batch <worker>');
    expect(await page.locator('tr[data-heartbeat="nightly-backup"]').count()).toBe(1);
    expect(await page.locator('svg.history').count()).toBe(1);
    expect(await page.textContent('#reports')).toContain('No reports yet');

    await row.locator('button', { hasText: 'Ack' }).click();
    await page.waitForSelector(`text=Alert #${alertId} acknowledged by alice.`);
    expect(await page.locator(`tr[data-alert="${alertId}"] .acked`).textContent()).toContain('acked by alice');
    const alert = await tb.get(`/api/v1/alerts/${alertId}`);
    expect(alert.body.ackedBy).toBe('alice');

    await page.locator('tr[data-service="sleeper"] button', { hasText: 'Disable' }).click();
    await page.waitForSelector('text=sleeper disabled for maintenance by alice');
    expect(await page.locator('tr[data-service="sleeper"] td.enabled').textContent()).toBe('disabled');
    const services = await tb.get('/api/v1/services');
    expect(services.body.services[0]).toMatchObject({ name: 'sleeper', enabled: false });

    const audit = await tb.get('/api/v1/audit?limit=10');
    const dashboardRows = (audit.body.entries as Array<Record<string, unknown>>).filter((e) => e.via === 'dashboard');
    expect(dashboardRows.map((e) => [e.command, e.result, e.userName])).toEqual([
      ['disable', 'ok', 'alice'],
      ['ack', 'ok', 'alice'],
    ]);

    const file = join(shots, 'governance.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).size).toBeGreaterThan(10_000);

    // The same session without its CSRF token (or from another origin) changes nothing.
    const cookie = (await context.cookies()).find((c) => c.name === 'opsbot_dashboard')!;
    const headers = { cookie: `opsbot_dashboard=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded' };
    const noCsrf = await fetch(`${tb.url}/ops/governance/services/sleeper/enable`, { method: 'POST', headers, body: '', redirect: 'manual' });
    expect(noCsrf.status).toBe(403);
    const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
    const foreign = await fetch(`${tb.url}/ops/governance/services/sleeper/enable`, {
      method: 'POST',
      headers: { ...headers, origin: 'https://evil.example' },
      body: `csrf=${encodeURIComponent(csrf!)}`,
      redirect: 'manual',
    });
    expect(foreign.status).toBe(403);
    const anonymous = await fetch(`${tb.url}/ops/governance/services/sleeper/enable`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(csrf!)}`,
      redirect: 'manual',
    });
    expect(anonymous.status).toBe(403);
    expect((await tb.get('/api/v1/services')).body.services[0].enabled).toBe(false);
    await context.close();
  });
});

describe('governance dashboard without any credential configured', () => {
  it('is read-only: the page shows without login but has no forms, and every action is refused', async () => {
    const open = await startTestBot({ yaml, env: { API_TOKEN: '' } });
    try {
      const posted = await open.post('/api/v1/alerts', { severity: 'CRIT', title: 'disk full', service: 'db' }, null);
      const alertId = posted.body.alerts[0].id as number;
      const response = await fetch(`${open.url}/ops/governance`, { redirect: 'manual' });
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toContain('Set one of them to log in.');
      expect(body).toContain('disk full');
      expect(body).toMatch(/<tr data-instance="[^"]+"><td><strong>[^<]+<\/strong> \(leader\)<\/td>/);
      expect(body).not.toContain('<form');
      const ack = await fetch(`${open.url}/ops/governance/alerts/${alertId}/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'csrf=anything',
        redirect: 'manual',
      });
      expect(ack.status).toBe(403);
      const login = await fetch(`${open.url}/ops/governance/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=',
        redirect: 'manual',
      });
      expect(login.status).toBe(403);
      expect((await open.get(`/api/v1/alerts/${alertId}`, null)).body.ackedBy).toBeNull();
    } finally {
      await open.destroy();
    }
  });
});

describe('governance dashboard with DASHBOARD_PASSWORD', () => {
  it('lets the password in beside the API token, and refuses a wrong one', async () => {
    const bot = await startTestBot({ yaml, env: { DASHBOARD_PASSWORD: 'correct horse battery staple' } });
    const login = (secret: string) =>
      fetch(`${bot.url}/ops/governance/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: bot.url },
        body: new URLSearchParams({ token: secret }).toString(),
        redirect: 'manual',
      });
    try {
      const wrong = await login('correct horse battery stapler');
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('set-cookie')).toBeNull();
      const right = await login('correct horse battery staple');
      expect(right.status).toBe(303);
      const cookie = right.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(`${bot.url}/ops/governance`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form');
    } finally {
      await bot.destroy();
    }
  });
});
