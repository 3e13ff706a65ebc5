import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { QueueErrors } from '../jobs/queue-errors.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const prefix = uniquePrefix('queue-errors');
const connection = { url: TEST_REDIS_URL };
afterAll(() => deleteKeysWithPrefix(prefix));

function capturedLog() {
  const lines: Array<{ level: number; msg: string; source: string; err?: { message: string }; unreachableForMs?: number }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

it('logs a job whose lock another run took over as a warning, and any other worker error as an error', async () => {
  const { log, lines } = capturedLog();
  const queue = new Queue('jobs', { connection, prefix });
  let started!: () => void;
  let release!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker(
    'jobs',
    async () => {
      started();
      await gate;
    },
    { connection, prefix },
  );
  new QueueErrors(log).watch(worker, 'jobs');
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await queue.add('one', {}, { jobId: 'one' });
    await running;
    // What a second run that finished the job first leaves behind: the job is gone when this run finishes.
    await redis.del(`${prefix}:jobs:one`, `${prefix}:jobs:one:lock`);
    release();
    const lapsed = await waitUntil('the finish refused', () => lines.find((l) => l.err?.message.startsWith('Missing ')));
    expect(lapsed).toMatchObject({ level: 40, source: 'jobs worker' });
    expect(lapsed.msg).toContain("a job's lock lapsed");

    worker.emit('error', new Error('ERR unknown command'));
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'jobs worker error', err: { message: 'ERR unknown command' } });
  } finally {
    redis.disconnect();
    await worker.close();
    await queue.close();
  }
});

it('logs an unreachable Redis once for all queues, workers and connections, and once when it answers again', async () => {
  const { log, lines } = capturedLog();
  const errors = new QueueErrors(log);
  const queue = new Queue('jobs', { connection, prefix });
  const worker = new Worker('jobs', async () => undefined, { connection, prefix, autorun: false });
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  errors.watch(queue, 'jobs');
  errors.watch(worker, 'jobs');
  errors.watchConnection(redis, 'command');
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      queue.emit('error', refused());
      worker.emit('error', new Error('Connection is closed.'));
      redis.emit('error', refused());
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, source: 'jobs queue', err: { message: 'connect ECONNREFUSED 127.0.0.1:6379' } });
    expect(lines[0]!.msg).toContain('Redis is unreachable: alerts are still accepted');

    redis.emit('ready');
    redis.emit('ready');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 30, msg: 'Redis answers again' });
    expect(lines[1]!.unreachableForMs).toBeGreaterThanOrEqual(0);

    worker.emit('error', refused());
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 50, source: 'jobs worker' });
  } finally {
    redis.disconnect();
    await worker.close();
    await queue.close();
  }
});
