import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotInProcess, stopLeftoverBots, type BotInProcess } from './helpers/launch.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const API_TOKEN = 'api-token-that-must-never-be-logged-41';
const HEARTBEAT_TOKEN = 'heartbeat-token-never-logged-0042';
const dir = mkdtempSync(join(tmpdir(), 'opsbot-log-secrets-'));
const prefix = uniquePrefix('logsecrets');
let bot: BotInProcess;

beforeAll(async () => {
  const configPath = join(dir, 'opsbot.yaml');
  writeFileSync(configPath, `heartbeats:\n  - { name: backup, period: 1h, token: ${HEARTBEAT_TOKEN} }\n`);
  bot = await startBotInProcess({
    API_TOKEN,
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    OPSBOT_DATA_DIR: join(dir, 'data'),
    OPSBOT_QUEUE_PREFIX: prefix,
    OPSBOT_CONFIG: configPath,
    LOG_LEVEL: 'debug',
  });
});
afterAll(async () => {
  await stopLeftoverBots();
  await deleteKeysWithPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

const send = (path: string, init: RequestInit = {}) => fetch(`${bot.url}${path}`, init);
const logText = () => bot.lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');

describe('request URLs in the log', () => {
  it('never carry a token given in the query string, whatever the answer', async () => {
    const secrets = `token=${API_TOKEN}&api_token=${API_TOKEN}&access_token=${API_TOKEN}&Key=${API_TOKEN}&password=${API_TOKEN}&secret=${API_TOKEN}&keep=visible`;
    const bearer = { authorization: `Bearer ${API_TOKEN}` };
    const json = { ...bearer, 'content-type': 'application/json' };
    expect((await send(`/api/v1/alerts?${secrets}`)).status).toBe(401);
    expect((await send(`/metrics?${secrets}`)).status).toBe(401);
    expect((await send(`/api/v1/no-such-route?${secrets}`, { headers: bearer })).status).toBe(404);
    expect((await send(`/api/v1/alerts?${secrets}`, { method: 'POST', headers: json, body: '{"severity":' })).status).toBe(400);
    expect((await send(`/api/v1/alerts?${secrets}`, { method: 'POST', headers: json, body: '{"severity":"LOUD"}' })).status).toBe(400);
    expect((await send(`/api/v1/heartbeats/backup?token=${HEARTBEAT_TOKEN}x`)).status).toBe(401);
    expect((await send(`/api/v1/heartbeats/backup?token=${HEARTBEAT_TOKEN}&message=${'m'.repeat(3_000)}`)).status).toBe(400);

    await waitUntil('the refusals to be logged', () => bot.lines.filter((l) => typeof l === 'object' && typeof l.path === 'string').length >= 5);
    expect(logText()).not.toContain(API_TOKEN);
    expect(logText()).not.toContain(HEARTBEAT_TOKEN);
    expect(logText()).toContain('token=[redacted]');
    expect(logText()).toContain('keep=visible');
  });
});
