import type { Logger } from 'pino';
import { and, eq, inArray } from 'drizzle-orm';
import type { AlertInput } from '../alerts/input.js';
import type { Store } from '../db/store.js';
import { BEAT_EVERY_MS, LOST_AFTER_MS, instancesNow, listInstances, type ClusterView, type InstanceStatus } from '../cluster/instances.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { unsupervisedAlerts, unsupervisedKeys } from '../heal/unsupervised.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { LEADER_TTL_MS, type Cluster } from './cluster.js';
import type { Foundation } from './foundation.js';

/** How long nobody may lead before every instance raises the CRIT: two leases, time enough for any instance to take over. */
export const NO_LEADER_LIMIT_MS = 2 * LEADER_TTL_MS;

/**
 * Watches the cluster as its beats arrive: the leader raises a WARN for each instance that stopped
 * beating (resolved when it is back) and an alert for each service of a lost instance that no
 * fallback runs (see `unsupervisedAlerts`), and every instance raises a CRIT when nobody has led for
 * longer than two leases (resolved when one leads again). Every instance tells `lostSeen` which
 * instances are lost now (their delivery claims are orphaned).
 */
export function startClusterWatch(
  base: Foundation,
  cluster: Cluster,
  services: ServiceConfig[],
  raise: RaiseAlert,
  lostSeen: (lost: InstanceStatus[]) => void,
  log: Logger,
  everyMs = BEAT_EVERY_MS,
): { stop(): Promise<void> } {
  let leaderlessSince: number | null = null;
  const check = async () => {
    const now = new Date();
    const view = await listInstances(base.store, now, LOST_AFTER_MS);
    lostSeen(view.instances.filter((instance) => instance.lost));
    leaderlessSince = view.leader ? null : (leaderlessSince ?? now.getTime());
    const firing = await firingClusterAlerts(base.store, [...view.instances.map((i) => instanceLostKey(i.name)), NO_LEADER_KEY, ...unsupervisedKeys(services)]);
    const inputs = [
      ...(cluster.election.leading ? [...instanceAlerts(view, firing, LOST_AFTER_MS), ...unsupervisedAlerts(services, instancesNow(view), firing)] : []),
      ...leaderAlerts(view, leaderlessSince === null ? 0 : now.getTime() - leaderlessSince, NO_LEADER_LIMIT_MS, firing),
    ];
    for (const input of inputs) await raise(input);
  };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = check().catch((error: unknown) => log.warn({ err: error, component: 'cluster' }, 'could not check the cluster'));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The dedup key of the alert that says an instance stopped beating. */
export const instanceLostKey = (name: string) => `opsbot:instance-lost:${name}`;
/** The dedup key of the alert that says no instance leads. */
export const NO_LEADER_KEY = 'opsbot:no-leader';

const alert = (severity: 'WARN' | 'CRIT', dedupKey: string, title: string, body: string | undefined, status: 'firing' | 'resolved'): AlertInput => ({
  severity,
  title,
  ...(body ? { body } : {}),
  service: 'opsbot',
  labels: { alertname: severity === 'CRIT' ? 'OpsbotNoLeader' : 'OpsbotInstanceLost' },
  dedupKey,
  source: 'opsbot',
  status,
});

/** Which of the cluster's own alerts fire now, by dedup key. */
export async function firingClusterAlerts(store: Store, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { alerts } = store.t;
  const rows = await store.db.select({ key: alerts.dedupKey }).from(alerts).where(and(eq(alerts.status, 'firing'), inArray(alerts.dedupKey, keys)));
  return new Set(rows.map((row) => row.key!));
}

/**
 * What the leader raises about the instances: a WARN for each that stopped beating, resolved when it
 * beats again (an instance that stops cleanly leaves the table and raises nothing).
 */
export function instanceAlerts(view: ClusterView, firing: Set<string>, lostAfterMs: number): AlertInput[] {
  return view.instances.flatMap((instance) => {
    const key = instanceLostKey(instance.name);
    if (instance.lost && !firing.has(key)) {
      const body = `No beat since ${instance.lastBeatAt.toISOString()} (more than ${lostAfterMs / 1000} s); it ran on ${instance.host}, pid ${instance.pid}. Its own supervised services are not watched while it is gone, unless a fallback instance takes them over.`;
      return [alert('WARN', key, `opsbot instance ${instance.name} is lost`, body, 'firing')];
    }
    if (!instance.lost && firing.has(key)) return [alert('WARN', key, `opsbot instance ${instance.name} is back`, undefined, 'resolved')];
    return [];
  });
}

/** What every instance raises when nobody has led for longer than `limitMs`: a CRIT, resolved once a leader is back. */
export function leaderAlerts(view: ClusterView, leaderlessForMs: number, limitMs: number, firing: Set<string>): AlertInput[] {
  if (view.leader === null && leaderlessForMs > limitMs && !firing.has(NO_LEADER_KEY)) {
    const body = `No opsbot instance has held the leader lease for ${Math.round(leaderlessForMs / 1000)} s: chat commands go unanswered (no instance holds the chat sessions). Instances that still beat: ${view.instances.filter((i) => !i.lost).map((i) => i.name).join(', ') || 'none'}.`;
    return [alert('CRIT', NO_LEADER_KEY, 'No opsbot instance leads', body, 'firing')];
  }
  if (view.leader !== null && firing.has(NO_LEADER_KEY)) return [alert('CRIT', NO_LEADER_KEY, `opsbot instance ${view.leader.name} leads again`, undefined, 'resolved')];
  return [];
}
