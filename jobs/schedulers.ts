import type { Queue } from 'bullmq';

type Upsert<Q extends Queue> = Parameters<Q['upsertJobScheduler']>;

export interface WantedScheduler<Q extends Queue> {
  id: string;
  repeat: Upsert<Q>[1];
  template: Upsert<Q>[2];
}

/**
 * Makes the queue's job schedulers exactly `wanted`: each is created or updated under its id, and a
 * scheduler no longer wanted (a time or service taken out of the config) is removed. Safe to run again
 * at any time, as after Redis lost the schedules.
 */
export async function syncJobSchedulers<Q extends Queue>(queue: Q, wanted: WantedScheduler<Q>[]): Promise<void> {
  for (const scheduler of wanted) await queue.upsertJobScheduler(scheduler.id, scheduler.repeat, scheduler.template);
  const ids = new Set(wanted.map((scheduler) => scheduler.id));
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key && !ids.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }
}
