import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-reports-'));
let fakes: Fakes;
let bot: TestBot;

const yaml = `
defaultRoute: { discord: ["100"], telegram: ["-200"] }
escalation: { bySeverity: {} }
access: { telegram: { users: { "1001": responder } } }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
opsCycle:
  times: ["09:00", "21:00"]
  reportsDir: ${reportsDir}
  dashboardUrl: https://ops.example.com
heartbeats:
  - { name: backup, period: 1h }
`;

beforeAll(async () => {
  fakes = await startFakes();
  bot = await startTestBot({ yaml, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot, env: { OPSBOT_TZ: 'Europe/Berlin' } });
});
afterAll(async () => {
  await bot?.destroy();
  await fakes?.close();
  rmSync(reportsDir, { recursive: true, force: true });
});

describe('ops cycles and reports', () => {
  it('schedules the 09:00 and 21:00 cycles once, in the configured time zone', async () => {
    const queue = new Queue('ops-cycle', { connection: { url: TEST_REDIS_URL }, prefix: bot.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
        ['ops-cycle-0900', '0 9 * * *', 'Europe/Berlin'],
        ['ops-cycle-2100', '0 21 * * *', 'Europe/Berlin'],
      ]);
    } finally {
      await queue.close();
    }
  });

  it('runs a cycle on demand: writes the Markdown report and its JSON twin and posts the digest', async () => {
    await bot.post('/api/v1/alerts', [
      { severity: 'CRIT', title: 'db down', service: 'db' },
      { severity: 'WARN', title: 'disk 85 %', service: 'db' },
      { severity: 'INFO', title: 'deploy done', service: 'api' },
    ]);
    await waitUntil('the alerts posted', () => fakes.discord.inChannel('100').length >= 3);
    fakes.telegram.rejectChat('-200', 403, 'Forbidden: bot was kicked from the group chat');

    const res = await bot.post('/api/v1/reports', { by: 'test' });
    expect(res.status).toBe(201);
    const { name, path, jsonPath, failures } = res.body.report;
    expect(name).toMatch(/^OPS_\d{4}-\d{2}-\d{2}_\d{4}$/);
    expect(path).toBe(join(reportsDir, `${name}.md`));
    expect(failures).toEqual([expect.stringContaining('digest to telegram -200: telegram 403: Forbidden: bot was kicked')]);

    const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(report).toMatchObject({ kind: 'on-demand', timezone: 'Europe/Berlin', alerts: { total: 3, bySeverity: { CRIT: 1, WARN: 1, INFO: 1 } }, stillFiring: { total: 3 } });
    expect(report.alerts.byService[0]).toEqual({ service: 'db', count: 2 });
    const markdown = readFileSync(path, 'utf8');
    expect(markdown).toContain(`# Ops report ${name}`);
    expect(markdown).toContain('| db | 2 |');
    expect(markdown).toContain('## What could not be made');
    expect(markdown).toContain('digest to telegram -200');

    const digest = await waitUntil('the digest on Discord', () => fakes.discord.inChannel('100').find((m) => m.content.includes('Ops report (on demand)')));
    expect(digest.content).toContain('Still firing: 3');
    expect(digest.content).toContain(`Full report: https://ops.example.com/ops/governance/reports/${name}`);

    const list = await bot.get('/api/v1/reports');
    expect(list.body.reports[0]).toMatchObject({ name, trigger: 'api:test' });

    const login = await fetch(`${bot.url}/ops/governance/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${TEST_API_TOKEN}`,
      redirect: 'manual',
    });
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    const view = await fetch(`${bot.url}/ops/governance/reports/${name}`, { headers: { cookie } });
    expect(view.status).toBe(200);
    expect(await view.text()).toContain(`<h1>Ops report ${name}</h1>`);
    const anonymous = await fetch(`${bot.url}/ops/governance/reports/${name}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  it('/report in chat runs a cycle covering the time since the last one', async () => {
    fakes.telegram.reset();
    fakes.telegram.pushText('-300', '/report');
    const reply = await waitUntil('the /report answer', () => fakes.telegram.inChat('-300').find((m) => m.text.startsWith('Report OPS_')));
    expect(reply.text).toContain('written (');
    const list = await bot.get('/api/v1/reports');
    expect(list.body.reports).toHaveLength(2);
    expect(new Date(list.body.reports[0].periodStart).getTime()).toBe(new Date(list.body.reports[1].at).getTime());
  });
});
