import { expect, it } from 'vitest';
import { beat, listInstances } from '../src/cluster/instances.js';
import { acquire } from '../src/cluster/lease.js';
import { describeEachStore } from './helpers/stores.js';

const t0 = new Date('2026-12-05T08:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const identity = (name: string, pid: number, startedAt = t0) => ({ name, host: `${name}.example`, pid, startedAt, version: '0.1.0' });

describeEachStore('cluster instances', (store) => {
  it('lists each instance with its last beat, lost when it has not beaten for longer than the limit', async () => {
    await beat(store(), identity('ops-1', 100), t0);
    await beat(store(), identity('ops-2', 200), t0);
    await beat(store(), identity('ops-2', 200), at(10_000));
    const view = await listInstances(store(), at(20_000), 15_000);
    expect(view.leader).toBeNull();
    expect(view.instances).toEqual([
      { ...identity('ops-1', 100), lastBeatAt: t0, lost: true, leading: false },
      { ...identity('ops-2', 200), lastBeatAt: at(10_000), lost: false, leading: false },
    ]);
  });

  it('an instance that restarts beats again under its name with its new process', async () => {
    await beat(store(), identity('ops-3', 300), t0);
    await beat(store(), identity('ops-3', 301, at(30_000)), at(30_000));
    const view = await listInstances(store(), at(30_000), 15_000);
    expect(view.instances.find((i) => i.name === 'ops-3')).toEqual({ ...identity('ops-3', 301, at(30_000)), lastBeatAt: at(30_000), lost: false, leading: false });
  });

  it('says who leads and since when, while the leader lease is live', async () => {
    await beat(store(), identity('ops-4', 400), at(40_000));
    await acquire(store(), 'leader', 'ops-4', 15_000, at(40_000));
    await acquire(store(), 'leader', 'ops-4', 15_000, at(45_000));
    const view = await listInstances(store(), at(46_000), 15_000);
    expect(view.leader).toEqual({ name: 'ops-4', since: at(40_000), token: 1, expiresAt: at(60_000) });
    expect(view.instances.filter((i) => i.leading).map((i) => i.name)).toEqual(['ops-4']);
    expect((await listInstances(store(), at(60_000), 15_000)).leader).toBeNull();
  });
});
