import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../src/cluster/instances.js';
import { NO_LEADER_KEY, NO_LEADER_LIMIT_MS, instanceAlerts, instanceLostKey, leaderAlerts } from '../src/start/cluster-watch.js';

const at = new Date('2026-12-05T01:00:00.000Z');
const instance = (name: string, lost: boolean) => ({ name, host: 'h', pid: 1, startedAt: at, version: '0.1.0', lastBeatAt: at, lost, leading: false });
const view = (leader: string | null, ...instances: ReturnType<typeof instance>[]): ClusterView => ({
  instances,
  leader: leader ? { name: leader, since: at, token: 1, expiresAt: at } : null,
});

describe("the cluster's own alerts", () => {
  it('a lost instance is a WARN once, resolved when it beats again', () => {
    expect(instanceAlerts(view('a', instance('a', false), instance('b', true)), new Set(), 15_000)).toEqual([
      expect.objectContaining({ severity: 'WARN', status: 'firing', dedupKey: instanceLostKey('b'), title: 'opsbot instance b is lost' }),
    ]);
    expect(instanceAlerts(view('a', instance('b', true)), new Set([instanceLostKey('b')]), 15_000)).toEqual([]);
    expect(instanceAlerts(view('a', instance('b', false)), new Set([instanceLostKey('b')]), 15_000)).toEqual([
      expect.objectContaining({ status: 'resolved', dedupKey: instanceLostKey('b') }),
    ]);
  });

  it('nobody leading for longer than two leases is a CRIT, resolved when one leads again', () => {
    const leaderless = view(null, instance('a', false));
    expect(leaderAlerts(leaderless, NO_LEADER_LIMIT_MS - 1, NO_LEADER_LIMIT_MS, new Set())).toEqual([]);
    expect(leaderAlerts(leaderless, NO_LEADER_LIMIT_MS + 1, NO_LEADER_LIMIT_MS, new Set())).toEqual([
      expect.objectContaining({ severity: 'CRIT', status: 'firing', dedupKey: NO_LEADER_KEY, title: 'No opsbot instance leads' }),
    ]);
    expect(leaderAlerts(leaderless, NO_LEADER_LIMIT_MS + 1, NO_LEADER_LIMIT_MS, new Set([NO_LEADER_KEY]))).toEqual([]);
    expect(leaderAlerts(view('a', instance('a', false)), 0, NO_LEADER_LIMIT_MS, new Set([NO_LEADER_KEY]))).toEqual([
      expect.objectContaining({ status: 'resolved', dedupKey: NO_LEADER_KEY }),
    ]);
  });
});
