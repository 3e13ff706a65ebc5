import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import { IntakeService } from '../http/intake-service.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import type { WorkSink } from '../shared/work.js';
import type { Foundation } from './foundation.js';
import type { Delivery } from './delivery.js';

export interface Intake {
  intake: IntakeService;
  /** How opsbot's own parts (heartbeats, services, triggers) raise an alert: through the same intake. */
  raise: RaiseAlert;
  stop(): Promise<void>;
}

/** The alert intake: commits alerts with their work and hands it on; stopping it finishes the posts it started. */
export function startIntake(base: Foundation, file: FileConfig, sink: WorkSink, delivery: Delivery, log: Logger): Intake {
  const intake = new IntakeService(base.store, file, sink, delivery.fastPath, log.child({ component: 'intake' }));
  return { intake, raise: (input) => intake.accept([input]), stop: () => intake.drain() };
}
