import type { Logger } from 'pino';
import type { FileConfig } from '../config/file-schema.js';
import { Heartbeats, type RaiseAlert } from '../heartbeats/heartbeats.js';
import { HeartbeatChecks } from '../../jobs/heartbeat-check.js';
import type { Foundation } from './foundation.js';

export interface HeartbeatWatch {
  heartbeats: Heartbeats;
  /** The delayed job that checks for the next heartbeat to go stale. */
  checks: HeartbeatChecks;
  stop(): Promise<void>;
}

/** The configured heartbeats, watched from now on, and the job that raises the alert of one gone stale. */
export async function startHeartbeats(base: Foundation, file: FileConfig, raise: RaiseAlert, log: Logger): Promise<HeartbeatWatch> {
  const heartbeats = new Heartbeats(base.store, file.heartbeats, raise, log.child({ component: 'heartbeats' }));
  await heartbeats.watchAll();
  const checks = new HeartbeatChecks(heartbeats, base.connections, base.prefix, log);
  return { heartbeats, checks, stop: () => checks.close() };
}
