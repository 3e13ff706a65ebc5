import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, TEST_API_TOKEN, type TestBot } from './helpers/bot.js';
import { runCli, runCliWithEnv, spawnCli } from './helpers/cli.js';
import { waitUntil } from './helpers/wait.js';

let bot: TestBot;
let web: Server;
const reportsDir = mkdtempSync(join(tmpdir(), 'opsbot-cli-reports-'));

beforeAll(async () => {
  web = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const port = (web.address() as AddressInfo).port;
  bot = await startTestBot({
    yaml: `
opsCycle: { reportsDir: ${reportsDir} }
services:
  - name: web
    role: storefront
    owner: team-web
    probe: { http: { url: "http://127.0.0.1:${port}/" }, interval: 200ms }
    actions: { ping: { http: { url: "http://127.0.0.1:${port}/ping", method: GET } } }
heartbeats: [{ name: backup, period: 1h }]
`,
  });
});
afterAll(async () => {
  await bot?.destroy();
  web?.close();
  rmSync(reportsDir, { recursive: true, force: true });
});

const opsbot = (args: string[], env: Record<string, string> = {}) => runCli(bot.url, args, env);

describe('opsbot CLI against the running bot', () => {
  it('send, alerts, ack and resolve: tables for people, JSON for scripts, exit codes for mistakes', async () => {
    const sent = await opsbot(['send', '--severity', 'crit', '--title', 'db down', '--service', 'db', '--label', 'env=prod', '--dedup-key', 'db-down']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^alert #\d+ created\n$/);
    const id = Number(/#(\d+)/.exec(sent.stdout)![1]);
    const invalid = await opsbot(['send', '--severity', 'LOUD']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--severity');
    expect(invalid.stderr).toContain('--title');

    const table = await opsbot(['alerts', '--status', 'firing']);
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+severity\s+status\s+service/);
    expect(table.stdout).toContain('db down');
    const json = JSON.parse((await opsbot(['alerts', '--json'])).stdout) as Array<{ id: number; labels: Record<string, string> }>;
    expect(json.find((a) => a.id === id)).toMatchObject({ labels: { env: 'prod' } });

    expect(await opsbot(['ack', String(id)])).toMatchObject({ code: 0, stdout: `Alert #${id} acknowledged by tester. Escalation stopped (5 pending steps)\n` });
    const again = await opsbot(['ack', `#${id}`]);
    expect(again).toMatchObject({ code: 1, stderr: `opsbot: opsbot answered 409: alert #${id} is already acknowledged by tester\n` });
    expect(await spawnCli(bot.url, ['ack', '99999'])).toMatchObject({ code: 1, stderr: 'opsbot: opsbot answered 404: no alert #99999\n' });
    expect(await opsbot(['resolve', String(id), '--by', 'alice'])).toMatchObject({ code: 0, stdout: `Alert #${id} resolved by alice\n` });
    const detail = await opsbot(['alert', `#${id}`]);
    expect(detail.code).toBe(0);
    expect(detail.stdout).toContain(`#${id} CRIT resolved: db down`);
    expect(detail.stdout).toContain('service: db   labels: env=prod');
    expect(detail.stdout).toContain('acknowledged ');
    expect(detail.stdout).toMatch(/resolved .* by alice/);
    expect(detail.stdout).toContain('route: the default route');
    expect(detail.stdout).toMatch(/^L1\s+\S+ \S+\s+cancelled\s+acknowledged by tester$/m);
    expect(JSON.parse((await opsbot(['alert', String(id), '--json'])).stdout)).toMatchObject({ id, dedupKey: 'db-down' });
    expect(await opsbot(['alert', '99999'])).toMatchObject({ code: 1, stderr: 'opsbot: opsbot answered 404: no alert #99999\n' });
    expect(await opsbot(['alert'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: opsbot alert <alert id>') });
    const audit = await bot.get('/api/v1/audit?command=ack');
    expect(audit.body.entries[0]).toMatchObject({ via: 'api', userId: 'tester' });
  });

  it('status, heal, history and report', async () => {
    await waitUntil('the first probe of web', async () => (await bot.get('/api/v1/services')).body.services[0]?.health === 'healthy');
    const { counts } = (await bot.get('/api/v1/status')).body.firing;
    const status = await opsbot(['status']);
    expect(status.stdout).toContain(`Firing: CRIT ${counts.CRIT} · WARN ${counts.WARN} · INFO ${counts.INFO}`);
    expect(status.stdout).toMatch(/web\s+storefront\s+team-web\s+external\s+healthy/);
    expect(status.stdout).toMatch(/backup\s+waiting/);
    expect(JSON.parse((await opsbot(['status', '--json'])).stdout)).toMatchObject({ heartbeats: [{ name: 'backup' }] });

    expect((await opsbot(['heal', 'web', 'ping'])).stdout).toMatch(/^heal run #\d+ started: ping on web/);
    expect(await opsbot(['heal', 'web', 'rm-rf'])).toMatchObject({ code: 1, stderr: expect.stringContaining('web has no action "rm-rf"; its actions: ping.') });
    const history = await opsbot(['history', 'web', '--hours', '1']);
    expect(history.stdout).toMatch(/^web: up/);

    const report = await opsbot(['report']);
    expect(report.stdout).toMatch(/^report OPS_\d{4}-\d{2}-\d{2}_\d{4}(_\d+)? written to /);
    expect(report.stdout).toContain(reportsDir);
    expect((await opsbot(['report', '--list'])).stdout).toMatch(/^report\s+written\s+summary\s+file/);
  });

  it('says clearly what is wrong: usage, unknown command, unreachable bot, wrong token', async () => {
    const usage = await opsbot(['alerts', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Unknown option '--bogus'");
    expect(await opsbot(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await opsbot(['status'], { OPSBOT_URL: 'http://127.0.0.1:9' })).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot reach opsbot at http://127.0.0.1:9') });
    expect(await opsbot(['status'], { API_TOKEN: 'nope' })).toMatchObject({ code: 2, stderr: expect.stringContaining('refused the API token') });
    expect((await opsbot(['help'])).stdout).toContain('deploy-commands');
  });

  it('finds the bot from HOST and PORT when OPSBOT_URL is unset, a wildcard HOST meaning this machine', async () => {
    const port = new URL(bot.url).port;
    const env = { API_TOKEN: TEST_API_TOKEN, PORT: port };
    expect(await runCliWithEnv(['status'], { ...env, HOST: '0.0.0.0' })).toMatchObject({ code: 0, stderr: '' });
    expect(await runCliWithEnv(['status'], { ...env, HOST: '127.0.0.1' })).toMatchObject({ code: 0, stderr: '' });
    expect(await runCliWithEnv(['status'], { API_TOKEN: TEST_API_TOKEN, PORT: '9' })).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot reach opsbot at http://127.0.0.1:9') });
  });
});
