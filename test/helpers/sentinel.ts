import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net.js';
import { TEST_REDIS_URL } from './redis.js';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface TestSentinel {
  port: number;
  /** The name of the master group it watches. */
  masterName: string;
  stop(): Promise<void>;
}

export interface SentinelWatch {
  /** The loopback port of the master it watches. */
  masterPort: number;
  /** How long the master must be silent before the sentinel judges it down and fails over. */
  downAfterMs: number;
}

/** The machine's Redis, never judged down (an hour): this sentinel never starts a failover during a test. */
function machineRedis(): SentinelWatch {
  return { masterPort: Number(new URL(TEST_REDIS_URL).port || 6379), downAfterMs: 3_600_000 };
}

/**
 * Starts a Redis Sentinel on a free loopback port watching a master on 127.0.0.1 (by default the
 * machine's Redis) under a master name of its own, and waits until it names that master. Watching the
 * machine's Redis it changes nothing there (with no replica there is nothing to fail over to, and it
 * never judges the master down); it rewrites only its own config file in a temp directory.
 */
export async function startSentinel(watch: SentinelWatch = machineRedis()): Promise<TestSentinel> {
  const port = await freePort();
  const masterName = `opsbotmaster-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-sentinel-'));
  const configPath = join(dir, 'sentinel.conf');
  writeFileSync(
    configPath,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${watch.masterPort} 1`,
      `sentinel down-after-milliseconds ${masterName} ${watch.downAfterMs}`,
      `sentinel failover-timeout ${masterName} ${Math.max(watch.downAfterMs * 10, 10_000)}`,
      '',
    ].join('\n'),
  );
  const child = spawn(REDIS_SERVER, [configPath, '--sentinel'], { stdio: 'ignore' });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilSentinelNames(port, masterName, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, masterName, stop };
}

export interface TestRedisServer {
  port: number;
  /** SIGKILL: the server is gone at once, as when its machine dies. */
  kill(): Promise<void>;
}

/** A private redis-server on a free loopback port (a replica of `replicaOf` when given), nothing kept on disk. */
export async function startRedisServer(replicaOf?: number): Promise<TestRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'opsbot-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
  if (replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  const kill = async () => {
    await stopChild(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => (await ask(port, (client) => client.ping())) === 'PONG', `redis-server on port ${port}`, child);
  } catch (error) {
    await kill();
    throw error;
  }
  return { port, kill };
}

async function waitUntilSentinelNames(port: number, masterName: string, child: ChildProcess): Promise<void> {
  await waitFor(async () => (await sentinelAsk(port, 'GET-MASTER-ADDR-BY-NAME', masterName)) !== null, `the sentinel on port ${port} naming ${masterName}`, child);
}

/** What the sentinel on `port` answers to `SENTINEL <args>`, or null when it does not answer. */
export function sentinelAsk(port: number, ...args: string[]): Promise<unknown> {
  return ask(port, (client) => client.call('SENTINEL', ...args));
}

/** Waits (10 s at most) until `check` holds, failing at once if `child` exits. */
export async function waitFor(check: () => Promise<boolean>, what: string, child?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

async function ask<T>(port: number, question: (client: Redis) => Promise<T>): Promise<T | null> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await question(client);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
