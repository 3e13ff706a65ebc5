import type { ServiceConfig } from '../config/service-schema.js';
import { SERVICE_MARK_VAR } from './orphans.js';
import type { SupervisorEvent, SupervisorOptions } from './supervisor-types.js';

/**
 * The options of the supervisor of one configured `command` service: `mark` tags its processes (see
 * `serviceMark`), and OPSBOT_INSTANCE in its environment names the opsbot instance that runs it.
 */
export function supervisorOptions(config: ServiceConfig, logDir: string, mark: string, instance: string, onEvent: (event: SupervisorEvent) => void): SupervisorOptions {
  return {
    name: config.name,
    command: config.command!,
    ...(config.cwd ? { cwd: config.cwd } : {}),
    env: { ...config.env, [SERVICE_MARK_VAR]: mark, OPSBOT_INSTANCE: instance },
    restartOnZeroExit: config.restartOnZeroExit,
    backoff: { initialMs: config.backoff.initial, factor: config.backoff.factor, maxMs: config.backoff.max, resetAfterMs: config.backoff.resetAfter },
    crashLoop: { maxRestarts: config.crashLoop.maxRestarts, windowMs: config.crashLoop.window },
    stopTimeoutMs: config.stopTimeout,
    logDir,
    logMaxBytes: config.logs.maxBytes,
    logFiles: config.logs.files,
    onEvent,
  };
}
