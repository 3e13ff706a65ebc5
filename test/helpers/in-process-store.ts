import type { Queue } from 'bullmq';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll } from 'vitest';
import { QueueWorkSink } from '../../jobs/work-sink.js';
import { AlertAcceptor } from '../../src/alerts/accept.js';
import { alertInputSchema } from '../../src/alerts/input.js';
import { parseConfigText } from '../../src/config/load.js';
import { openSqliteStore } from '../../src/db/sqlite-store.js';

export interface AddedJob {
  queue: string;
  name: string;
  data: unknown;
  opts: { jobId: string };
}

/**
 * What the in-process suites stand on instead of Redis and a running bot: a migrated SQLite file
 * (removed after the file's tests), the config from `yaml`, and the real work sink over queues that
 * only record what is added (`added`, emptied by the caller with `added.length = 0`).
 */
export function inProcessStore(name: string, yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), `opsbot-${name}-`));
  const store = openSqliteStore(dir);
  const log = pino({ level: 'silent' });
  const config = parseConfigText(yaml, `${name}.yaml`);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const added: AddedJob[] = [];
  const recordingQueue = (queue: string) =>
    ({
      addBulk: async (jobs: Omit<AddedJob, 'queue'>[]) => void added.push(...jobs.map((job) => ({ queue, ...job }))),
      add: async (jobName: string, data: unknown, opts: { jobId: string }) => void added.push({ queue, name: jobName, data, opts }),
    }) as unknown as Queue;
  const sink = new QueueWorkSink(
    { deliver: { discord: recordingQueue('discord'), telegram: recordingQueue('telegram') }, escalate: recordingQueue('escalate'), silenceEnd: recordingQueue('silence-end') },
    () => 100,
    log,
  );
  const acceptor = new AlertAcceptor(store);
  /** Accepts a CRIT alert through the intake transaction and returns its id. */
  const fire = async (title: string, service = 'db'): Promise<number> => (await acceptor.accept(config, [alertInputSchema.parse({ severity: 'CRIT', title, service })])).results[0]!.id!;
  return { dir, store, log, config, sink, added, fire };
}
