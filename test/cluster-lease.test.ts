import { eq } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { acquire, release, stillHolds } from '../src/cluster/lease.js';
import { LeaderElection } from '../src/cluster/leader-election.js';
import type { Store } from '../src/db/store.js';
import { describeEachStore } from './helpers/stores.js';
import { waitUntil } from './helpers/wait.js';

const t0 = new Date('2026-12-05T08:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

/**
 * The store as one instance reaches it over a network that can be cut: while cut, its transactions
 * wait (as on a dead connection) and run once it is back, late. Counts the transactions it was asked for.
 */
function reachable(store: Store) {
  let cut: { back: Promise<void>; reconnect: () => void } | undefined;
  const link = {
    asked: 0,
    store: {
      ...store,
      transaction: <T>(work: Parameters<Store['transaction']>[0]) => {
        link.asked += 1;
        const gate = cut?.back;
        return (gate ? gate.then(() => store.transaction(work)) : store.transaction(work)) as Promise<T>;
      },
    } as Store,
    cut() {
      let reconnect = () => {};
      const back = new Promise<void>((resolve) => (reconnect = resolve));
      cut = { back, reconnect };
    },
    reconnect() {
      cut?.reconnect();
      cut = undefined;
    },
  };
  return link;
}

/** An election whose callbacks record when they ran. */
function contender(store: Store, holder: string, lease: string, ttlMs: number) {
  const link = reachable(store);
  const events: { kind: 'elected' | 'deposed'; token?: number; at: number }[] = [];
  const election = new LeaderElection({
    store: link.store,
    holder,
    lease,
    ttlMs,
    onElected: (token) => events.push({ kind: 'elected', token, at: Date.now() }),
    onDeposed: () => events.push({ kind: 'deposed', at: Date.now() }),
  });
  const elected = () => events.filter((e) => e.kind === 'elected');
  const deposed = () => events.filter((e) => e.kind === 'deposed');
  return { holder, link, election, events, elected, deposed };
}

const TTL = 600;
const PERIOD = TTL / 3;
let running: ReturnType<typeof contender>[] = [];
afterEach(async () => {
  for (const c of running) c.link.reconnect();
  await Promise.all(running.map((c) => c.election.stop()));
  running = [];
});

function startAll(...contenders: ReturnType<typeof contender>[]) {
  for (const c of contenders) {
    running.push(c);
    c.election.start();
  }
}

describeEachStore('cluster lease', (store) => {
  const leaseRow = async (name: string) => {
    const { leases } = store().t;
    const [row] = await store().db.select().from(leases).where(eq(leases.name, name));
    return row!;
  };

  it('gives the lease to one of three contenders racing for it; the others learn who holds it', async () => {
    const attempts = await Promise.all(['a', 'b', 'c'].map((holder) => acquire(store(), 'race', holder, 10_000, t0)));
    const winners = attempts.filter((a) => a.held);
    expect(winners).toEqual([{ held: true, token: 1, expiresAt: at(10_000) }]);
    const winner = (await leaseRow('race')).holder;
    for (const lost of attempts.filter((a) => !a.held)) expect(lost).toEqual({ held: false, holder: winner, expiresAt: at(10_000) });
  });

  it('a renewal by the holder keeps its token and the time it took the lease, and moves the expiry', async () => {
    expect(await acquire(store(), 'renew', 'a', 1000, t0)).toMatchObject({ held: true, token: 1 });
    expect(await acquire(store(), 'renew', 'a', 1000, at(600))).toEqual({ held: true, token: 1, expiresAt: at(1600) });
    expect(await leaseRow('renew')).toMatchObject({ holder: 'a', token: 1, acquiredAt: t0, expiresAt: at(1600) });
  });

  it('an expired lease goes to the next contender with the token raised; the old holder is fenced off', async () => {
    await acquire(store(), 'expiry', 'a', 1000, t0);
    expect(await acquire(store(), 'expiry', 'b', 1000, at(999))).toEqual({ held: false, holder: 'a', expiresAt: at(1000) });
    expect(await acquire(store(), 'expiry', 'b', 1000, at(1000))).toEqual({ held: true, token: 2, expiresAt: at(2000) });
    expect(await acquire(store(), 'expiry', 'a', 1000, at(1100))).toEqual({ held: false, holder: 'b', expiresAt: at(2000) });
    const fenced = (holder: string, token: number) => store().transaction((tx) => stillHolds(store(), tx, { name: 'expiry', holder, token }, at(1100)));
    expect(await fenced('a', 1)).toBe(false);
    expect(await fenced('b', 2)).toBe(true);
    expect(await fenced('b', 1)).toBe(false);
  });

  it('a holder taking back its own lease after it expired gets a new token', async () => {
    await acquire(store(), 'retake', 'a', 1000, t0);
    expect(await acquire(store(), 'retake', 'a', 1000, at(1500))).toEqual({ held: true, token: 2, expiresAt: at(2500) });
  });

  it('a released lease can be taken at once; a stale claim cannot release it', async () => {
    await acquire(store(), 'release', 'a', 10_000, t0);
    expect(await release(store(), { name: 'release', holder: 'a', token: 2 }, at(100))).toBe(false);
    expect(await release(store(), { name: 'release', holder: 'a', token: 1 }, at(100))).toBe(true);
    expect(await acquire(store(), 'release', 'b', 10_000, at(100))).toEqual({ held: true, token: 2, expiresAt: at(10_100) });
    expect(await release(store(), { name: 'release', holder: 'a', token: 1 }, at(200))).toBe(false);
  });

  it('of two elections on one store exactly one leads', async () => {
    const a = contender(store(), 'a', 'one-leader', TTL);
    const b = contender(store(), 'b', 'one-leader', TTL);
    startAll(a, b);
    const leader = await waitUntil('a leader', () => [a, b].find((c) => c.election.leading));
    const other = leader === a ? b : a;
    const askedBefore = other.link.asked;
    await waitUntil('three more attempts by the other', () => other.link.asked >= askedBefore + 3);
    expect(leader.elected()).toHaveLength(1);
    expect(other.events).toEqual([]);
    expect(leader.election.token).toBe((await leaseRow('one-leader')).token);
  });

  it('a leader that stops releases the lease and the other takes it within one renewal period', async () => {
    const a = contender(store(), 'a', 'stop', TTL);
    startAll(a);
    await waitUntil('a leads', () => a.election.leading);
    const b = contender(store(), 'b', 'stop', TTL);
    startAll(b);
    const stoppedAt = Date.now();
    await a.election.stop();
    // Released, not left to run out: once a has stopped, its lease is over already (or b holds it).
    const afterStop = await leaseRow('stop');
    expect(afterStop.holder === 'b' || afterStop.expiresAt.getTime() <= Date.now()).toBe(true);
    const elected = await waitUntil('b leads', () => b.elected()[0]);
    expect(a.events.map((e) => e.kind)).toEqual(['elected', 'deposed']);
    expect(elected.token).toBe(a.elected()[0]!.token! + 1);
    console.info(`handover (${store().dialect}): stop → b elected ${elected.at - stoppedAt} ms (renewal period ${PERIOD} ms)`);
  });

  it('a leader cut off from the store stops acting before another takes over, and does not fight when it is back', async () => {
    const a = contender(store(), 'a', 'cut', TTL);
    startAll(a);
    await waitUntil('a leads', () => a.election.leading);
    const b = contender(store(), 'b', 'cut', TTL);
    startAll(b);
    const cutAt = Date.now();
    a.link.cut();
    const elected = await waitUntil('b leads', () => b.elected()[0], 5000);
    const deposed = a.deposed()[0]!;
    expect(deposed.at).toBeLessThan(elected.at);
    expect(a.election.leading).toBe(false);
    expect(elected.token).toBe(a.elected()[0]!.token! + 1);
    expect(elected.at - cutAt).toBeLessThanOrEqual(TTL + PERIOD + 300);

    a.link.reconnect();
    const askedBefore = a.link.asked;
    await waitUntil('three attempts by the old leader after it is back', () => a.link.asked >= askedBefore + 3);
    expect(a.events.map((e) => e.kind)).toEqual(['elected', 'deposed']);
    expect(b.events.map((e) => e.kind)).toEqual(['elected']);
    expect(await leaseRow('cut')).toMatchObject({ holder: 'b', token: elected.token });
    console.info(`failover (${store().dialect}): cut → a deposed ${deposed.at - cutAt} ms, cut → b elected ${elected.at - cutAt} ms (ttl ${TTL} ms)`);
  });
});
