import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './net.js';
import { TEST_REDIS_URL } from './redis.js';

export interface TestSentinel {
  port: number;
  /** The master group it watches: the machine's Redis at TEST_REDIS_URL. */
  masterName: string;
  stop(): Promise<void>;
}

/** An hour: the sentinel never judges the master down, so it never starts a failover during a test. */
const NEVER_DOWN_MS = 3_600_000;

/**
 * Starts a Redis Sentinel on a free loopback port watching the machine's Redis under a master name of
 * its own, and waits until it names that master. It changes nothing on the master (with no replica
 * there is nothing to fail over to, and it never judges the master down); it rewrites only its own
 * config file in a temp directory.
 */
export async function startSentinel(): Promise<TestSentinel> {
  const master = new URL(TEST_REDIS_URL);
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
      `sentinel monitor ${masterName} ${master.hostname} ${master.port || 6379} 1`,
      `sentinel down-after-milliseconds ${masterName} ${NEVER_DOWN_MS}`,
      `sentinel failover-timeout ${masterName} ${NEVER_DOWN_MS}`,
      '',
    ].join('\n'),
  );
  const child = spawn('/usr/bin/redis-server', [configPath, '--sentinel'], { stdio: 'ignore' });
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

async function waitUntilSentinelNames(port: number, masterName: string, child: ChildProcess): Promise<void> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server --sentinel exited with ${child.exitCode}`);
      const answer = await askMaster(client, masterName);
      if (answer) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the sentinel on port ${port} did not name ${masterName} within 10 s`);
  } finally {
    client.disconnect();
  }
}

async function askMaster(client: Redis, masterName: string): Promise<string[] | null> {
  try {
    if (client.status !== 'ready') await client.connect();
    return (await client.sentinel('GET-MASTER-ADDR-BY-NAME', masterName)) as string[] | null;
  } catch {
    client.disconnect();
    return null;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
