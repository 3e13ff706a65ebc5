import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import type { HealHandles } from '../heal/start-heal.js';
import { TriggerEngine } from '../triggers/engine.js';
import { codeHealthRules } from '../governance/code-health.js';
import type { Foundation } from './foundation.js';

/**
 * The trigger rules over metric samples, with one per governed repository's threshold (code health). They run when a sample arrives and at each reconciler sweep,
 * so they hold no timer and nothing to stop.
 */
export function startTriggers(base: Foundation, file: FileConfig, raise: RaiseAlert, healing: HealHandles, log: Logger): TriggerEngine {
  return new TriggerEngine(base.store, [...file.triggers, ...codeHealthRules(file.governance)], raise, healing.heal, log.child({ component: 'triggers' }));
}
