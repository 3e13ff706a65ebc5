import { describe, expect, it } from 'vitest';
import { useBotWithFakes } from './helpers/bot-with-fakes.js';
import { waitUntil } from './helpers/wait.js';

const TOKEN = 'backup-heartbeat-token-0001';
const YAML = `
defaultRoute: { discord: ["100"], telegram: ["-200"] }
heartbeats:
  - { name: backup, period: 1s, grace: 1s, token: ${TOKEN}, service: backups }
  - { name: deploy, period: 1h, failSeverity: WARN }
pacing:
  discordChannel: { intervalMs: 10, burst: 100 }
`;

const world = useBotWithFakes(YAML);

const heartbeatAlert = async (name: string) =>
  ((await world.bot.get('/api/v1/alerts?limit=100')).body.alerts as Array<{ id: number; title: string; status: string; severity: string; labels: Record<string, string> }>).find(
    (a) => a.labels.heartbeat === name,
  );

describe('heartbeats', () => {
  it('takes a beat by plain GET with the heartbeat token, and refuses a wrong token, and names an unknown heartbeat only to a caller with the API token', async () => {
    const ok = await fetch(`${world.bot.url}/api/v1/heartbeats/backup?token=${TOKEN}`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).heartbeat).toMatchObject({ name: 'backup', state: 'up', beats: 1 });
    expect((await fetch(`${world.bot.url}/api/v1/heartbeats/backup?token=wrong`)).status).toBe(401);
    expect((await fetch(`${world.bot.url}/api/v1/heartbeats/backpu?token=${TOKEN}`)).status).toBe(401);
    const unknown = await world.bot.post('/api/v1/heartbeats/backpu', undefined);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no heartbeat named "backpu" is configured');
    expect((await world.bot.post('/api/v1/heartbeats/deploy/start', undefined)).status).toBe(200);
    expect((await fetch(`${world.bot.url}/api/v1/heartbeats/deploy`, { method: 'POST' })).status).toBe(401);
  });

  it('goes stale after period + grace with an alert, and the next beat resolves it', async () => {
    await fetch(`${world.bot.url}/api/v1/heartbeats/backup?token=${TOKEN}`);
    const alert = await waitUntil('the stale alert', async () => {
      const found = await heartbeatAlert('backup');
      return found?.status === 'firing' ? found : undefined;
    }, 6_000);
    expect(alert).toMatchObject({ title: 'Heartbeat backup is late', severity: 'WARN', status: 'firing' });
    await waitUntil('the alert posted', () => world.fakes.discord.inChannel('100').find((m) => m.embeds[0]?.title?.includes('Heartbeat backup is late')));
    const list = await world.bot.get('/api/v1/heartbeats');
    expect(list.body.heartbeats.find((h: { name: string }) => h.name === 'backup')).toMatchObject({ state: 'stale' });
    world.fakes.telegram.pushText('-200', '/status');
    await waitUntil('/status naming the stale heartbeat', () =>
      world.fakes.telegram.inChat('-200').find((m) => m.text.includes('Heartbeats: 2, 1 down: backup (stale)')),
    );

    await world.bot.post('/api/v1/heartbeats/backup', { message: 'backup done, 3.1 GB' });
    await waitUntil('the alert resolved', async () => (await heartbeatAlert('backup'))?.status === 'resolved');
  });

  it('a /fail report raises its alert at once', async () => {
    const res = await world.bot.post('/api/v1/heartbeats/deploy/fail', { message: 'migration 42 failed' });
    expect(res.body.heartbeat).toMatchObject({ state: 'failed', lastMessage: 'migration 42 failed' });
    const alert = await heartbeatAlert('deploy');
    expect(alert).toMatchObject({ title: 'Heartbeat deploy reported a failure', severity: 'WARN', status: 'firing' });
    await world.bot.post('/api/v1/heartbeats/deploy', undefined);
    expect((await heartbeatAlert('deploy'))?.status).toBe('resolved');
  });
});
