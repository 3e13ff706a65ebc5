import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { EnvConfig } from '../config/env-schema.js';
import type { FileConfig } from '../config/file-schema.js';
import { findReport, listReports, runOpsCycle, type CycleDeps } from '../reports/cycle.js';
import { OpsCycleRunner } from '../reports/cycle-runner.js';
import type { ListReports } from '../dashboard/types.js';
import { scheduleOpsCycles } from '../../jobs/ops-cycle.js';
import type { Foundation } from './foundation.js';

export interface Reports {
  /** Runs an ops cycle now, or joins the one already running. */
  run(trigger: string): ReturnType<OpsCycleRunner['run']>;
  /** A report's Markdown, or null when there is none by that name (or its file is gone). */
  text(name: string): Promise<string | null>;
  latest: ListReports;
  /** Puts the daily schedules back (after Redis lost them). */
  ensureSchedules(): Promise<void>;
  stop(): Promise<void>;
}

/** The daily ops cycles at `opsCycle.times` in OPSBOT_TZ, and on demand. */
export async function startReports(base: Foundation, env: EnvConfig, file: FileConfig, parts: Omit<CycleDeps, 'db' | 'config' | 'timezone' | 'baseDir' | 'log'>, log: Logger): Promise<Reports> {
  const deps: CycleDeps = { ...parts, config: file, timezone: env.OPSBOT_TZ, baseDir: process.cwd(), log: log.child({ component: 'ops-cycle' }) };
  const runner = new OpsCycleRunner((trigger) => runOpsCycle(deps, trigger));
  const cycles = await scheduleOpsCycles(file.opsCycle.times, env.OPSBOT_TZ, () => runner.run('schedule'), base.connections, base.prefix, log);
  return {
    run: (trigger) => runner.run(trigger),
    async text(name) {
      const row = await findReport(base.store, name);
      return row ? readFile(row.markdownPath, 'utf8').catch(() => null) : null;
    },
    latest: async () => (await listReports(base.store, 10)).map((r) => ({ name: r.name, at: r.at, path: r.markdownPath })),
    ensureSchedules: cycles.ensureSchedules,
    async stop() {
      await cycles.worker.close();
      await cycles.queue.close();
    },
  };
}
