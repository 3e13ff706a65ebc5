import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { waitUntil } from './helpers/wait.js';

const reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-reports-concurrent-'));
let fakes: Fakes;
let bot: TestBot;

beforeAll(async () => {
  fakes = await startFakes();
  const yaml = `
defaultRoute: { discord: ["100"], telegram: ["-200"] }
escalation: { bySeverity: {} }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
  telegramGroup: { intervalMs: 10, burst: 100 }
opsCycle:
  reportsDir: ${reportsDir}
`;
  bot = await startTestBot({ yaml, discordApiUrl: fakes.discord.apiUrl, telegramApiRoot: fakes.telegram.apiRoot });
});
afterAll(async () => {
  await bot?.destroy();
  await fakes?.close();
  rmSync(reportsDir, { recursive: true, force: true });
});

describe('concurrent on-demand reports', () => {
  it('four POSTs at once: one report written and one digest per chat; each answer says which report it got and how', async () => {
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => bot.post('/api/v1/reports', { by: `user${i}` })));

    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    const created = answers.find((a) => a.status === 201)!.body;
    const name = created.report.name as string;
    expect(created.joined).toBe(false);
    for (const joined of answers.filter((a) => a.status === 200)) {
      expect(joined.body).toMatchObject({ joined: true, report: { name, path: created.report.path } });
      expect(joined.body.message).toBe(`a report was already being written when this request came; this is that report, ${name} (no second report or digest)`);
    }

    expect(readdirSync(reportsDir).sort()).toEqual([`${name}.json`, `${name}.md`]);
    expect((await bot.get('/api/v1/reports')).body.reports.map((r: { name: string }) => r.name)).toEqual([name]);
    await waitUntil('the digest on both platforms', () =>
      fakes.discord.inChannel('100').some((m) => m.content.includes('Ops report')) && fakes.telegram.inChat('-200').some((m) => m.text.includes('Ops report')),
    );
    expect(fakes.discord.inChannel('100').filter((m) => m.content.includes('Ops report'))).toHaveLength(1);
    expect(fakes.telegram.inChat('-200').filter((m) => m.text.includes('Ops report'))).toHaveLength(1);
  });

  it('a request after the cycle finished writes a report of its own', async () => {
    const first = await bot.post('/api/v1/reports', { by: 'later' });
    const second = await bot.post('/api/v1/reports', { by: 'later still' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.report.name).not.toBe(first.body.report.name);
  });
});
