import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { BEAT_EVERY_MS, beat, leave, type InstanceIdentity } from '../cluster/instances.js';
import { LeaderElection } from '../cluster/leader-election.js';
import type { EnvConfig } from '../config/env-schema.js';
import { projectRoot } from '../project-root.js';
import type { Foundation } from './foundation.js';

/**
 * How long the leader lease lasts unless renewed (every 2 s): a lost leader is replaced within about
 * 8 s, under the 10 s the failover is held to; a renewal is one small write per instance every 2 s.
 */
export const LEADER_TTL_MS = 6_000;

/**
 * This instance among those sharing the store: it records a beat every 5 s (a per-process sign of
 * life, so a timer here and not a BullMQ schedule) and takes part in the leader election.
 */
export async function startCluster(base: Foundation, env: EnvConfig, log: Logger): Promise<Cluster> {
  const identity: InstanceIdentity = { name: env.OPSBOT_INSTANCE, host: hostname(), pid: process.pid, startedAt: new Date(), version: opsbotVersion() };
  const clusterLog = log.child({ component: 'cluster', instance: identity.name });
  let lastBeat = Promise.resolve();
  const beatNow = () => {
    lastBeat = beat(base.store, identity).catch((error: unknown) => clusterLog.warn({ err: error }, "could not record this instance's beat in the store"));
    return lastBeat;
  };
  await beatNow();
  const beats = setInterval(beatNow, BEAT_EVERY_MS);
  const leadership = new Leadership(clusterLog);
  const election = new LeaderElection({
    store: base.store,
    holder: identity.name,
    ttlMs: LEADER_TTL_MS,
    onElected: (token) => {
      clusterLog.info({ token }, 'this instance leads');
      leadership.change(true);
    },
    onDeposed: () => {
      clusterLog.info('this instance no longer leads');
      leadership.change(false);
    },
    log: clusterLog,
  });
  await election.start();
  return {
    election,
    leadership,
    async stop() {
      clearInterval(beats);
      await lastBeat;
      await election.stop();
      await leadership.settled();
      await leave(base.store, identity.name).catch((error: unknown) => clusterLog.warn({ err: error }, 'could not take this instance out of the cluster table'));
    },
  };
}

export interface Cluster {
  election: LeaderElection;
  /** Where what runs on the leader alone is told that this instance leads or no longer does. */
  leadership: Leadership;
  stop(): Promise<void>;
}

/** What runs on the leader alone: started when this instance is elected, stopped when it is deposed. */
export interface LeaderDuty {
  name: string;
  lead(): Promise<void>;
  follow(): Promise<void>;
}

/**
 * Tells the leader's duties when this instance leads and when it stops, one change after the other,
 * so a duty is never started and stopped at once; a duty added while this instance leads starts at once.
 */
export class Leadership {
  private leading = false;
  private readonly duties: LeaderDuty[] = [];
  private changes: Promise<void> = Promise.resolve();

  constructor(private readonly log: Logger) {}

  change(leading: boolean): void {
    this.leading = leading;
    this.changes = this.changes.then(() => Promise.all(this.duties.map((duty) => this.apply(duty, leading))).then(() => undefined));
  }

  /** Adds a duty; resolves once it has started, when this instance leads now. */
  add(duty: LeaderDuty): Promise<void> {
    this.duties.push(duty);
    const leading = this.leading;
    this.changes = this.changes.then(() => (leading ? this.apply(duty, true) : undefined));
    return this.changes;
  }

  /** Resolves when every change so far has reached every duty. */
  settled(): Promise<void> {
    return this.changes;
  }

  private async apply(duty: LeaderDuty, leading: boolean): Promise<void> {
    try {
      await (leading ? duty.lead() : duty.follow());
    } catch (error) {
      this.log.error({ err: error, duty: duty.name }, leading ? 'a leader duty failed to start' : 'a leader duty failed to stop');
    }
  }
}

function opsbotVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
