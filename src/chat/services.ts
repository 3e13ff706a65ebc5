import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { FileConfig } from '../config/file-schema.js';
import type { WorkSink } from '../shared/work.js';
import type { Platform } from '../shared/types.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';
import type { CycleResult } from '../reports/cycle-runner.js';
import type { TriggerEngine } from '../triggers/engine.js';

/** Jobs waiting in the queues right now (BullMQ's counts). */
export interface QueueBacklog {
  deliver: number;
  escalate: number;
}

/** What command handlers may use: the store, the config, and the queues through the work sink. */
export interface CommandServices {
  store: Store;
  config: FileConfig;
  sink: WorkSink;
  log: Logger;
  /** Chat platforms with a token, so replies can say which are off. */
  platforms: Platform[];
  heartbeats: Heartbeats;
  heal: HealService;
  services: ServiceManager;
  triggers: TriggerEngine;
  /** Runs an ops cycle now (on demand) and returns its report. */
  runReport(trigger: string): Promise<CycleResult>;
  backlog(): Promise<QueueBacklog>;
}
