import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import type { WorkSink } from '../shared/work.js';
import type { Platform } from '../shared/types.js';
import type { HealService } from '../heal/heal-service.js';
import type { ServiceManager } from '../heal/service-manager.js';

/** The store and the queues: what the alert, silence and delivery operations commit to and enqueue on. */
export interface StoreDeps {
  store: Store;
  sink: WorkSink;
}

/** What a resend needs besides the store: which chat platforms have a token, so its answer can say which wait. */
export interface ResendDeps extends StoreDeps {
  platforms: readonly Platform[];
}

/** What heal and restart need: the heal service, and a log for a run that fails after it started. */
export interface HealDeps {
  heal: HealService;
  log: Pick<Logger, 'error'>;
}

/** What the maintenance switch needs. */
export interface SwitchDeps {
  manager: ServiceManager;
}
