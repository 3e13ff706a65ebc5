import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BEAT_EVERY_MS, beat, type InstanceIdentity } from '../cluster/instances.js';
import { LeaderElection } from '../cluster/leader-election.js';
import type { EnvConfig } from '../config/env-schema.js';
import { projectRoot } from '../project-root.js';
import type { Foundation } from './foundation.js';

/** How long the leader lease lasts unless renewed (every 5 s): a lost leader is replaced within about 20 s. */
export const LEADER_TTL_MS = 15_000;

/**
 * This instance among those sharing the store: it records a beat every 5 s (a per-process sign of
 * life, so a timer here and not a BullMQ schedule) and takes part in the leader election.
 */
export async function startCluster(base: Foundation, env: EnvConfig, log: Logger): Promise<{ election: LeaderElection; stop(): Promise<void> }> {
  const identity: InstanceIdentity = { name: env.OPSBOT_INSTANCE, host: hostname(), pid: process.pid, startedAt: new Date(), version: opsbotVersion() };
  const clusterLog = log.child({ component: 'cluster', instance: identity.name });
  let lastBeat = Promise.resolve();
  const beatNow = () => {
    lastBeat = beat(base.store, identity).catch((error: unknown) => clusterLog.warn({ err: error }, "could not record this instance's beat in the store"));
    return lastBeat;
  };
  await beatNow();
  const beats = setInterval(beatNow, BEAT_EVERY_MS);
  const election = new LeaderElection({
    store: base.store,
    holder: identity.name,
    ttlMs: LEADER_TTL_MS,
    onElected: (token) => clusterLog.info({ token }, 'this instance leads'),
    onDeposed: () => clusterLog.info('this instance no longer leads'),
    log: clusterLog,
  });
  election.start();
  return {
    election,
    async stop() {
      clearInterval(beats);
      await lastBeat;
      await election.stop();
    },
  };
}

function opsbotVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
