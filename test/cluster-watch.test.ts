import { describe, expect, it } from 'vitest';
import type { ClusterView } from '../src/cluster/instances.js';
import { NO_LEADER_KEY, NO_LEADER_LIMIT_MS, instanceAlerts, instanceLostKey, leaderAlerts } from '../src/start/cluster-watch.js';
import { serviceSchema } from '../src/config/service-schema.js';
import { supervisesNow } from '../src/heal/supervises-now.js';
import { unsupervisedAlerts, unsupervisedKeys } from '../src/heal/unsupervised.js';

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

describe('services of named instances', () => {
  const service = (keys: Record<string, string>) => serviceSchema.parse({ name: 'api', role: 'API', owner: 'team', command: ['node', 'api.js'], ...keys });
  const instances = (alive: string[], lost: string[]) => ({ alive: new Set(alive), lost: new Set(lost) });

  it('who supervises: the instance named, its fallback while it is lost, and the instance again once the fallback handed it back', () => {
    const api = service({ instance: 'a', fallback: 'b' });
    expect(supervisesNow(service({}), 'x', instances(['x'], []), null)).toBe(true);
    expect(supervisesNow(api, 'a', instances(['a', 'b'], []), null)).toBe(true);
    expect(supervisesNow(api, 'b', instances(['a', 'b'], []), null)).toBe(false);
    expect(supervisesNow(api, 'c', instances(['c'], ['a']), null)).toBe(false);
    expect(supervisesNow(api, 'b', instances(['b'], ['a']), null)).toBe(true);
    expect(supervisesNow(api, 'a', instances(['a', 'b'], []), 'b')).toBe(false);
    expect(supervisesNow(api, 'a', instances(['a'], ['b']), 'b')).toBe(true);
    expect(supervisesNow(api, 'a', instances(['a'], []), 'b')).toBe(true);
  });

  it('a service of a lost instance that no beating fallback runs is reported once at its severity, resolved when its instance or fallback runs it', () => {
    const lonely = service({ instance: 'a', severity: 'WARN' });
    const shared = { ...service({ instance: 'a', fallback: 'b' }), name: 'shared' };
    const keys = unsupervisedKeys([lonely, shared, service({})]);
    expect(keys).toEqual(['opsbot:service:api:unsupervised', 'opsbot:service:shared:unsupervised']);
    expect(unsupervisedAlerts([lonely, shared], instances(['b'], ['a']), new Set())).toEqual([
      expect.objectContaining({ status: 'firing', severity: 'WARN', service: 'api', title: 'service api is not supervised: its instance a is lost' }),
    ]);
    expect(unsupervisedAlerts([shared], instances([], ['a', 'b']), new Set())).toEqual([expect.objectContaining({ status: 'firing', body: expect.stringContaining('Its fallback b does not beat either.') })]);
    expect(unsupervisedAlerts([lonely], instances(['b'], ['a']), new Set([keys[0]!]))).toEqual([]);
    expect(unsupervisedAlerts([lonely], instances(['a'], []), new Set([keys[0]!]))).toEqual([expect.objectContaining({ status: 'resolved', title: 'service api is supervised again, by a' })]);
    expect(unsupervisedAlerts([shared], instances(['b'], ['a']), new Set([keys[1]!]))).toEqual([
      expect.objectContaining({ status: 'resolved', title: 'service shared is supervised again, by its fallback b' }),
    ]);
  });
});
