import type { Logger } from 'pino';
import type { Store } from '../db/store.js';

/**
 * Records how long a dashboard page took to answer (the success criteria's dashboard latency p99).
 * It runs after the page went out; a failure to record is logged and costs the page nothing.
 */
export async function recordPageTime(store: Store, durationMs: number, log: Pick<Logger, 'warn'>, now = new Date()): Promise<void> {
  try {
    await store.transaction((tx) => tx.insert(store.t.dashboardRequests).values({ at: now, durationMs: Math.round(durationMs) }));
  } catch (error) {
    log.warn({ err: error }, 'could not record a dashboard page time');
  }
}
