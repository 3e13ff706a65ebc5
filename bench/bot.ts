/**
 * Runs the compiled bot (`dist/src/main.js`, as `npm start` does) as a child process against a real
 * Redis with a queue prefix of its own and a temp data dir; cleans up only what it created.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../test/helpers/redis.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where the bot under test lives (its dist/, drizzle/, package.json): this project unless BENCH_BOT_ROOT names a patched copy. */
export const BOT_ROOT = process.env.BENCH_BOT_ROOT ?? ROOT;
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const API_TOKEN = 'bench-api-token-0123';
export const DISCORD_TOKEN = 'bench-discord-token';
export const TELEGRAM_TOKEN = '123456:bench-telegram-token';
const PROBE = fileURLToPath(new URL('./probe.mjs', import.meta.url));

export interface BotOptions {
  label: string;
  yaml: string;
  discordApiUrl: string;
  telegramApiRoot: string;
  /** Preload bench/probe.mjs, which times the bot's stages and writes them out at exit. */
  probe: boolean;
  /** Per-alert timeline in the probe file (latency phase only). */
  timeline?: boolean;
  /** Write a V8 CPU profile of the child into this directory. */
  cpuProfDir?: string;
  /** Runs on the fresh data dir before the bot starts (e.g. seeding its SQLite store). */
  prepare?: (dataDir: string) => void | Promise<void>;
  /** A queue prefix shared with other bots (one cluster); its keys are then the caller's to delete. */
  prefix?: string;
  /** More environment, e.g. DATABASE_URL and OPSBOT_INSTANCE for an instance of a cluster. */
  env?: Record<string, string>;
}

export interface BenchBot {
  url: string;
  child: ChildProcess;
  /** Log lines at warn level or worse (pino levels ≥ 40), grouped (digits folded to N) → count. */
  problems: Record<string, number>;
  /** Stops the child (SIGTERM, SIGKILL after 35 s); returns the probe's report if any. */
  stop(): Promise<ProbeReport | undefined>;
}

export interface StageSummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
  total: number;
}

export interface ProbeReport {
  stages: Record<string, StageSummary>;
  eventLoopDelay: { p50: number; p99: number; max: number };
  timeline: Array<Record<string, number | string>>;
  missing: string[];
}

export async function assertRedis(): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch (error) {
    throw new Error(`bench needs a Redis at ${REDIS_URL}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

export async function startBot(options: BotOptions): Promise<BenchBot> {
  const dataDir = mkdtempSync(join(tmpdir(), `opsbot-bench-${options.label}-`));
  const prefix = options.prefix ?? `opsbot-bench-${options.label}-${randomBytes(4).toString('hex')}`;
  const ownQueues = options.prefix === undefined;
  const configPath = join(dataDir, 'opsbot.yaml');
  const probeFile = join(dataDir, 'probe.json');
  writeFileSync(configPath, options.yaml);
  await options.prepare?.(dataDir);
  const nodeArgs = [
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${options.label}.cpuprofile`] : []),
    ...(options.probe ? ['--import', PROBE] : []),
    'dist/src/main.js',
  ];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: BOT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      BENCH_BOT_ROOT: BOT_ROOT,
      API_TOKEN,
      HOST: '127.0.0.1',
      PORT: '0',
      REDIS_URL,
      OPSBOT_DATA_DIR: dataDir,
      OPSBOT_QUEUE_PREFIX: prefix,
      OPSBOT_CONFIG: configPath,
      LOG_LEVEL: 'info',
      DISCORD_TOKEN,
      DISCORD_API_URL: options.discordApiUrl,
      TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: options.telegramApiRoot,
      ...(options.probe ? { BENCH_PROBE_FILE: probeFile, BENCH_PROBE_TIMELINE: options.timeline ? '1' : '0' } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const problems: Record<string, number> = {};
  let url: string | undefined;
  const early: string[] = [];
  const onLine = (line: string) => {
    if (early.length < 200) early.push(line);
    let entry: { level?: number; msg?: string; url?: string; err?: { message?: string }; reason?: string } | undefined;
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = undefined;
    }
    if (entry?.msg === 'opsbot is up' && entry.url) url = entry.url;
    if (entry === undefined || (entry.level ?? 0) >= 40) {
      const detail = entry ? `${entry.level === 40 ? 'warn' : 'error'} "${entry.msg}" ${entry.err?.message ?? entry.reason ?? ''}` : line;
      const key = detail.replace(/\d+/g, 'N').slice(0, 200);
      problems[key] = (problems[key] ?? 0) + 1;
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);

  const deadline = Date.now() + 20_000;
  let dead = false;
  void exited.then(() => (dead = true));
  while (!url) {
    if (dead || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      await cleanup(ownQueues ? prefix : undefined, dataDir);
      throw new Error(`bot did not start (${dead ? 'exited' : 'timeout'}):\n${early.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    url,
    child,
    problems,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 35_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', killOnExit);
      const report = existsSync(probeFile) ? (JSON.parse(readFileSync(probeFile, 'utf8')) as ProbeReport) : undefined;
      await cleanup(ownQueues ? prefix : undefined, dataDir);
      return report;
    },
  };
}

async function cleanup(prefix: string | undefined, dataDir: string) {
  if (prefix) await deleteKeysWithPrefix(prefix);
  rmSync(dataDir, { recursive: true, force: true });
}
