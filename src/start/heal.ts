import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { startHeal, type HealHandles } from '../heal/start-heal.js';
import { scheduleProbes } from '../../jobs/probe.js';
import type { Foundation } from './foundation.js';

/** The supervised services, their probes on BullMQ schedules, and the heal actions. */
export function startHealing(base: Foundation, { env, file }: Config, raise: RaiseAlert, log: Logger): Promise<HealHandles> {
  return startHeal(base.store, file.services, env.OPSBOT_DATA_DIR, env.OPSBOT_INSTANCE, raise, (manager, runForwarded) => scheduleProbes(manager, runForwarded, base.connections, base.prefix, log), log);
}
