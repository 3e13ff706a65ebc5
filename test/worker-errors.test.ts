import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { logWorkerErrors } from '../jobs/worker-errors.js';
import { deleteKeysWithPrefix, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { waitUntil } from './helpers/wait.js';

const prefix = uniquePrefix('worker-errors');
const connection = { url: TEST_REDIS_URL };
afterAll(() => deleteKeysWithPrefix(prefix));

function capturedLog() {
  const lines: Array<{ level: number; msg: string; queue: string; err?: { message: string } }> = [];
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
  logWorkerErrors(worker, log, 'jobs');
  const redis = new Redis(TEST_REDIS_URL);
  try {
    await queue.add('one', {}, { jobId: 'one' });
    await running;
    // What a second run that finished the job first leaves behind: the job is gone when this run finishes.
    await redis.del(`${prefix}:jobs:one`, `${prefix}:jobs:one:lock`);
    release();
    const lapsed = await waitUntil('the finish refused', () => lines.find((l) => l.err?.message.startsWith('Missing ')));
    expect(lapsed).toMatchObject({ level: 40, queue: 'jobs' });
    expect(lapsed.msg).toContain("a job's lock lapsed");

    worker.emit('error', new Error('Connection is closed.'));
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'jobs worker error', err: { message: 'Connection is closed.' } });
  } finally {
    redis.disconnect();
    await worker.close();
    await queue.close();
  }
});
