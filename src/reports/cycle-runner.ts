import type { ReportRow } from '../db/schema.js';
import type { OpsReport } from './report.js';

export interface CycleResult {
  row: ReportRow;
  report: OpsReport;
  /** True when the request came while a cycle was being written and got that cycle's report instead of a second one. */
  joined: boolean;
}

type RunCycle = (trigger: string) => Promise<{ row: ReportRow; report: OpsReport }>;

/**
 * Runs ops cycles one at a time, so two never write the same report name or post a digest twice.
 * An on-demand request (chat, API, CLI) that comes while a cycle is running or waiting joins it and
 * gets its report; a scheduled cycle always runs on its own, after the one before it.
 */
export class OpsCycleRunner {
  private latest: Promise<{ row: ReportRow; report: OpsReport }> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly runCycle: RunCycle) {}

  async run(trigger: string): Promise<CycleResult> {
    if (trigger !== 'schedule' && this.latest) return { ...(await this.latest), joined: true };
    const cycle = this.queue.then(() => this.runCycle(trigger));
    this.queue = cycle.catch(() => undefined);
    this.latest = cycle;
    const forget = () => {
      if (this.latest === cycle) this.latest = undefined;
    };
    cycle.then(forget, forget);
    return { ...(await cycle), joined: false };
  }
}
