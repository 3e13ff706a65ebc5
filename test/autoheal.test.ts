import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from './helpers/bot.js';
import { startFakes, type Fakes } from './helpers/fakes.js';
import { waitUntil } from './helpers/wait.js';

/** A stand-in web service whose health endpoint fails until someone calls its /fix (the heal action). */
async function brokenWebService(): Promise<{ server: Server; port: number; fixes: () => number; breakAgain: () => void }> {
  let healthy = false;
  let fixes = 0;
  const server = createServer((req, res) => {
    if (req.url === '/fix') {
      fixes++;
      healthy = true;
      res.end('fixed');
      return;
    }
    res.statusCode = healthy ? 200 : 503;
    res.end(healthy ? 'ok' : 'database connection lost');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, fixes: () => fixes, breakAgain: () => (healthy = false) };
}

let fakes: Fakes;
let bot: TestBot;
let web: Awaited<ReturnType<typeof brokenWebService>>;
let hopeless: Awaited<ReturnType<typeof brokenWebService>>;

beforeAll(async () => {
  fakes = await startFakes();
  web = await brokenWebService();
  hopeless = await brokenWebService();
  const yaml = `
defaultRoute: { telegram: ["-200"] }
routes:
  - { name: legacy, match: { service: hopeless }, telegram: ["-200"], escalation: quick }
pacing:
  telegramGroup: { intervalMs: 10, burst: 100 }
escalation:
  policies: { quick: { levels: [{ level: 1, after: 1s }, { level: 2, after: 1h }] } }
  bySeverity: {}
access: { telegram: { users: { "1001": operator } } }
services:
  - name: crasher
    role: batch worker
    owner: team-data
    command: ["sh", "-c", "echo starting batch; sleep 0.1; exit 1"]
    backoff: { initial: 50ms, factor: 1.5, max: 200ms }
    crashLoop: { maxRestarts: 3, window: 10s }
  - name: web
    role: storefront
    owner: team-web
    probe: { http: { url: "http://127.0.0.1:${web.port}/health" }, interval: 200ms, timeout: 1s, failuresBeforeUnhealthy: 2 }
    actions:
      fix: { http: { url: "http://127.0.0.1:${web.port}/fix", method: GET } }
    heal: { onUnhealthy: fix, verifyWithin: 5s, cooldown: 1m }
  - name: hopeless
    role: legacy api
    owner: team-old
    severity: CRIT
    probe: { http: { url: "http://127.0.0.1:${hopeless.port}/health" }, interval: 200ms, timeout: 1s, failuresBeforeUnhealthy: 2 }
    actions:
      poke: { command: ["sh", "-c", "echo poking; exit 0"] }
    heal: { onUnhealthy: poke, verifyWithin: 1s, cooldown: 1h }
`;
  bot = await startTestBot({ yaml, telegramApiRoot: fakes.telegram.apiRoot });
});

afterAll(async () => {
  await bot?.destroy();
  await fakes?.close();
  web?.server.close();
  hopeless?.server.close();
});

type AlertSummary = { id: number; title: string; status: string; severity: string; service: string };
const alerts = async () => (await bot.get('/api/v1/alerts?limit=200')).body.alerts as AlertSummary[];
const alertTitled = async (title: string) => (await alerts()).find((a) => a.title === title);
const runsOf = async (service: string) => (await bot.get(`/api/v1/heal-runs?service=${service}`)).body.runs as Array<Record<string, unknown>>;

describe('auto-heal', () => {
  it('restarts a crashing child with back-off, then marks it fatal in a crash loop and raises CRIT', async () => {
    const fatal = await waitUntil('the crash-loop alert', () => alertTitled('crasher is crash-looping; opsbot stopped restarting it'), 10_000);
    expect(fatal).toMatchObject({ severity: 'CRIT', status: 'firing', service: 'crasher' });
    const restarted = await alertTitled('crasher crashed and was restarted');
    expect(restarted).toMatchObject({ severity: 'INFO' });
    const services = (await bot.get('/api/v1/services')).body.services as Array<{ name: string; state: string; restarts: number }>;
    expect(services.find((s) => s.name === 'crasher')).toMatchObject({ state: 'fatal', restarts: 3 });
    const recoveries = readFileSync(join(bot.dataDir, 'autoheal.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recoveries.filter((r) => r.service === 'crasher').map((r) => r.event)).toEqual(['restart', 'restart', 'restart', 'fatal']);
    const log = readFileSync(join(bot.dataDir, 'logs', 'crasher.out.log'), 'utf8');
    expect(log.match(/starting batch/g)).toHaveLength(4);
  });

  it('heals a service whose probe fails with its action, verifies it, and resolves the alert', async () => {
    const unhealthy = await waitUntil('the unhealthy alert', () => alertTitled('web is unhealthy'), 10_000);
    expect(unhealthy.severity).toBe('CRIT');
    await waitUntil('the heal run to succeed', async () => (await runsOf('web')).find((r) => r.state === 'succeeded'), 10_000);
    const [run] = await runsOf('web');
    expect(run).toMatchObject({ action: 'fix', trigger: 'probe', state: 'succeeded', verification: expect.stringContaining('healthy again: HTTP 200') });
    expect(web.fixes()).toBe(1);
    await waitUntil('the unhealthy alert resolved', async () => (await alertTitled('web is unhealthy'))?.status === 'resolved', 10_000);
    expect(await alertTitled('Healed web: fix worked')).toMatchObject({ severity: 'INFO' });
    const autoheal = readFileSync(join(bot.dataDir, 'autoheal.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(autoheal).toContainEqual(expect.objectContaining({ service: 'web', action: 'fix', outcome: 'succeeded', trigger: 'probe' }));
  });

  it('a heal that does not fix it is a failed run and a CRIT alert', async () => {
    await waitUntil('the failed heal run', async () => (await runsOf('hopeless')).find((r) => r.state === 'failed'), 10_000);
    const [run] = await runsOf('hopeless');
    expect(run).toMatchObject({ action: 'poke', exitCode: 0, outputTail: 'poking', verification: expect.stringContaining('still unhealthy after 1s') });
    const failed = await waitUntil('the heal failure alert', () => alertTitled('Heal of hopeless failed: poke'));
    expect(failed).toMatchObject({ severity: 'CRIT', status: 'firing' });
    expect(await runsOf('hopeless')).toHaveLength(1);
    await waitUntil('the failure alert escalating', async () => {
      const detail = (await bot.get(`/api/v1/alerts/${failed.id}`)).body as { escalation: Array<{ level: number; state: string }> };
      return detail.escalation.find((s) => s.level === 1 && s.state === 'done');
    });
  });

  it('/heal from chat runs a named action for an operator, and /restart brings a fatal service back', async () => {
    web.breakAgain();
    const before = fakes.telegram.inChat('-200').length;
    fakes.telegram.pushText('-200', '/heal web fix');
    const reply = await waitUntil('the /heal answer', () => fakes.telegram.inChat('-200').slice(before).find((m) => m.text.startsWith('Heal run #')));
    expect(reply.text).toContain('fix on web');
    await waitUntil('the chat heal run', async () => (await runsOf('web')).find((r) => r.trigger === 'chat' && r.state === 'succeeded'), 10_000);
    expect(web.fixes()).toBe(2);

    fakes.telegram.pushText('-200', '/heal web rm -rf /');
    await waitUntil('the refusal of extra words', () => fakes.telegram.inChat('-200').find((m) => m.text.includes('/heal did not expect "-rf /"')));
    fakes.telegram.pushText('-200', '/heal web reboot-everything');
    await waitUntil('the refusal of an unknown action', () => fakes.telegram.inChat('-200').find((m) => m.text.includes('web has no action "reboot-everything"; its actions: fix.')));

    fakes.telegram.pushText('-200', '/restart crasher');
    await waitUntil('crasher restarted by hand', async () => (await runsOf('crasher')).find((r) => r.trigger === 'chat'), 10_000);
    const audit = await bot.get('/api/v1/audit?command=heal');
    expect(audit.body.entries.map((e: { result: string }) => e.result)).toEqual(expect.arrayContaining(['ok']));
  });

  it('a disabled service is left alone and says so in /status', async () => {
    const disabled = await bot.post('/api/v1/services/web/disable', undefined);
    expect(disabled.body.service).toMatchObject({ enabled: false });
    const before = fakes.telegram.inChat('-200').length;
    fakes.telegram.pushText('-200', '/status web');
    const status = await waitUntil('/status', () => fakes.telegram.inChat('-200').slice(before).find((m) => m.text.startsWith('opsbot status')));
    expect(status.text).toContain('⏸ web (storefront, team-web): disabled for maintenance');
    const refused = await bot.post('/api/v1/services/web/heal', { action: 'fix' });
    expect(refused).toMatchObject({ status: 409, body: { error: 'web is disabled (maintenance): no heal actions run until it is enabled.' } });
    expect((await bot.post('/api/v1/services/nope/disable', undefined)).status).toBe(404);
  });
});
