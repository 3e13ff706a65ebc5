import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isSentinelUrl, redisOptionsFrom } from './connection.js';
import { redisAnswers } from './probe.js';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

export interface RedisHandle {
  url: string;
  /** Set when opsbot runs its own redis-server. */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Uses the Redis at `url` when it answers. Otherwise, for a plain loopback URL with `redis-server` on
 * the PATH, starts and supervises a private redis-server on that port with its files under `dataDir`.
 * A sentinel URL never gets a private server: the Sentinels name the master, and none answered.
 */
export async function ensureRedis(url: string, dataDir: string, log: Logger): Promise<RedisHandle> {
  if (await redisAnswers(url)) return { url, embedded: false, stop: async () => undefined };
  if (isSentinelUrl(url)) throw sentinelUnavailable(url);
  const target = new URL(url);
  if (!canRunPrivateRedis(url)) {
    throw new RedisUnavailableError(
      `no Redis answers at ${target.host}. Install one (Debian/Ubuntu: apt-get install -y redis-server) ` +
        'and opsbot will start its own, or set REDIS_URL to a running Redis (redis://host:6379).',
    );
  }
  const port = Number(target.port || 6379);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const supervisor = new EmbeddedRedis(port, dir, log);
  await supervisor.start(url);
  log.info({ port, dir }, 'started a private redis-server (no Redis was answering)');
  return { url, embedded: true, stop: () => supervisor.stop() };
}

function sentinelUnavailable(url: string): RedisUnavailableError {
  const { sentinels = [], name } = redisOptionsFrom(url);
  const addresses = sentinels.map(({ host, port }) => `${host}:${port}`).join(', ');
  return new RedisUnavailableError(
    `no Redis master "${name}" answers through the sentinels at ${addresses}. Check that the sentinels run, ` +
      `monitor a master group named "${name}" and that its master is up (opsbot starts a private redis-server ` +
      'only for a plain loopback REDIS_URL, never for a sentinel URL).',
  );
}

/** Whether a start would run its own redis-server for `url` when nothing answers: a plain loopback URL, and redis-server on the PATH. */
export function canRunPrivateRedis(url: string): boolean {
  if (isSentinelUrl(url)) return false;
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  return loopback && spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

class EmbeddedRedis {
  private child: ChildProcess | undefined;
  private stopping = false;

  constructor(
    private readonly port: number,
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  async start(url: string): Promise<void> {
    this.spawn();
    for (let i = 0; i < 50; i++) {
      if (await redisAnswers(url, 200)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new RedisUnavailableError(`started redis-server on port ${this.port} but it does not answer; see ${this.dir}`);
  }

  private spawn() {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.child = child;
    child.on('exit', (code, signal) => {
      if (this.stopping) return;
      this.log.error({ code, signal }, 'private redis-server exited; restarting it in 1 s');
      setTimeout(() => this.stopping || this.spawn(), 1_000).unref();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
