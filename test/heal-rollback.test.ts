import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { freePort } from './helpers/net.js';
import { waitUntil } from './helpers/wait.js';

/** A release of a small web service: answers its probe with `status`. */
const release = (status: number) => `
import { createServer } from 'node:http';
createServer((req, res) => { res.statusCode = ${status}; res.end('release answering ${status}'); }).listen(Number(process.env.PORT), '127.0.0.1');
`;

describe('a heal action with steps and a rollback', () => {
  let bot: TestBot;
  let dir: string;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opsbot-rollback-'));
    for (const [name, status] of [['v1', 200], ['v2', 500]] as const) {
      mkdirSync(join(dir, 'releases', name), { recursive: true });
      writeFileSync(join(dir, 'releases', name, 'app.mjs'), release(status));
    }
    symlinkSync(join(dir, 'releases', 'v1'), join(dir, 'current'));
    port = await freePort();
    const yaml = `
services:
  - name: shop
    role: storefront
    owner: team-web
    command: ["node", "current/app.mjs"]
    cwd: ${JSON.stringify(dir)}
    env: { PORT: "${port}" }
    probe: { http: { url: "http://127.0.0.1:${port}/" }, interval: 1h, timeout: 1s }
    actions:
      deploy:
        steps:
          - command: ["ln", "-sfn", "releases/v2", "current"]
          - restart: true
        rollback:
          - command: ["ln", "-sfn", "releases/v1", "current"]
          - restart: true
      broken-deploy:
        steps:
          - command: ["ln", "-sfn", "releases/v2", "current"]
          - restart: true
        rollback:
          - command: ["sh", "-c", "echo the old release is gone >&2; exit 3"]
    heal: { verifyWithin: 2s, cooldown: 1s }
`;
    bot = await startTestBot({ yaml });
    await waitUntil('the old release answers', async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200);
  });
  afterAll(async () => {
    await bot?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const heal = (action: string) => bot.post('/api/v1/services/shop/heal', { action, by: 'alice' });
  const healAlert = async (title: string) =>
    ((await bot.get('/api/v1/alerts?service=shop')).body.alerts as Array<{ title: string; severity: string; status: string }>).find((a) => a.title === title);
  const lastRun = async () => (await bot.get('/api/v1/heal-runs?service=shop')).body.runs[0];

  it('a new release that fails its probe is rolled back: the old one answers again, the run records every step, and the alert says so', async () => {
    expect((await heal('deploy')).status).toBe(202);
    await waitUntil('the run finished', async () => (await lastRun())?.state === 'failed', 20_000);
    const run = await lastRun();
    expect(run).toMatchObject({ action: 'deploy', state: 'failed', rollback: 'rolled-back' });
    expect(run.steps.map((s: { phase: string; step: string; ok: boolean }) => [s.phase, s.step, s.ok])).toEqual([
      ['action', 'ln -sfn releases/v2 current', true],
      ['action', 'restart', true],
      ['rollback', 'ln -sfn releases/v1 current', true],
      ['rollback', 'restart', true],
    ]);
    expect(run.verification).toMatch(/still unhealthy after 2s: .*500.*; rolled back, healthy again/);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    // The run is recorded finished just before its alert is raised.
    const alert = await waitUntil('the heal alert', () => healAlert('Heal of shop rolled back: deploy'));
    expect(alert).toMatchObject({ severity: 'CRIT', status: 'firing' });
  });

  it('a rollback that fails too says so', async () => {
    const firing = (await bot.get('/api/v1/alerts?service=shop&status=firing')).body.alerts as Array<{ id: number }>;
    for (const { id } of firing) await bot.post(`/api/v1/alerts/${id}/resolve`, { by: 'alice' });
    expect((await heal('broken-deploy')).status).toBe(202);
    await waitUntil('the run finished', async () => (await lastRun())?.action === 'broken-deploy' && (await lastRun())?.state === 'failed', 20_000);
    const run = await lastRun();
    expect(run).toMatchObject({ rollback: 'rollback-failed' });
    expect(run.steps.at(-1)).toMatchObject({ phase: 'rollback', ok: false, exitCode: 3 });
    expect(run.steps.at(-1).outputTail).toContain('the old release is gone');
    expect(await waitUntil('the heal alert', () => healAlert('Heal of shop failed, rollback failed: broken-deploy'))).toMatchObject({ severity: 'CRIT', status: 'firing' });
  });
});
