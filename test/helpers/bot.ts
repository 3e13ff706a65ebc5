import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBot, type RunningBot } from '../../src/app.js';
import { envSchema } from '../../src/config/env-schema.js';
import { parseConfigText, type Config } from '../../src/config/load.js';
import { createLogger, type Logger } from '../../src/telemetry/log.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './redis.js';

export const TEST_API_TOKEN = 'test-api-token-0123456';

export interface TestBotOptions {
  /** YAML config text (routes, pacing, …). */
  yaml?: string;
  discordApiUrl?: string;
  telegramApiRoot?: string;
  env?: Record<string, string>;
  /** Reuse a data dir and prefix (a restart); otherwise fresh ones. */
  dataDir?: string;
  prefix?: string;
  /** A logger to read the bot's log lines from; otherwise one at LOG_LEVEL on stdout. */
  log?: Logger;
}

export interface TestBot {
  bot: RunningBot;
  url: string;
  dataDir: string;
  prefix: string;
  post(path: string, body: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  get(path: string, token?: string | null): Promise<{ status: number; body: any }>;
  /** Stops the bot; keeps data dir and Redis keys (for a restart). */
  stop(): Promise<void>;
  /** Stops the bot and removes its data dir and Redis keys. */
  destroy(): Promise<void>;
}

export const DISCORD_TEST_TOKEN = 'discord-test-token';
export const TELEGRAM_TEST_TOKEN = '123456:telegram-test-token';

export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'opsbot-test-'));
  const prefix = options.prefix ?? uniquePrefix('bot');
  const env = envSchema.parse({
    API_TOKEN: TEST_API_TOKEN,
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: TEST_REDIS_URL,
    OPSBOT_DATA_DIR: dataDir,
    OPSBOT_QUEUE_PREFIX: prefix,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(options.discordApiUrl ? { DISCORD_TOKEN: DISCORD_TEST_TOKEN, DISCORD_API_URL: options.discordApiUrl } : {}),
    ...(options.telegramApiRoot ? { TELEGRAM_TOKEN: TELEGRAM_TEST_TOKEN, TELEGRAM_API_ROOT: options.telegramApiRoot } : {}),
    ...options.env,
  });
  const config: Config = { env, file: parseConfigText(options.yaml ?? '{}', 'test.yaml'), configPath: null };
  const bot = await startBot(config, options.log ?? createLogger(env.LOG_LEVEL));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await bot.stop();
  };
  const call = async (method: string, path: string, body: unknown, token: string | null | undefined) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const bearer = token === undefined ? TEST_API_TOKEN : token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${bot.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // a non-JSON answer is returned as text
    }
    return { status: response.status, body: parsed as any };
  };
  return {
    bot,
    url: bot.url,
    dataDir,
    prefix,
    post: (path, body, token) => call('POST', path, body, token),
    get: (path, token) => call('GET', path, undefined, token),
    stop,
    async destroy() {
      await stop();
      await deleteKeysWithPrefix(prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
