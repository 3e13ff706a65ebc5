import { count, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { readinessCheck } from '../src/http/readiness.js';
import { storeRefusal } from '../src/db/store-refusal.js';
import { TEST_REDIS_URL } from './helpers/redis.js';
import { expect, it } from 'vitest';
import { forUpdate } from '../src/db/store.js';
import { describeEachStore } from './helpers/stores.js';

const subscription = (destination: string) => ({
  platform: 'telegram' as const,
  destination,
  minSeverity: 'WARN' as const,
  services: [],
  createdBy: 'tester',
  createdAt: new Date('2026-12-01T09:00:00.000Z'),
});

describeEachStore('store', (store, dialect) => {
  it('commits a transaction: what it wrote is read back outside it, with the same types', async () => {
    const { t } = store();
    const [row] = await store().transaction((tx) => tx.insert(t.subscriptions).values(subscription('-100')).returning());
    expect(row).toMatchObject({ destination: '-100', services: [], createdAt: new Date('2026-12-01T09:00:00.000Z') });
    expect(typeof row!.id).toBe('number');
    const [read] = await store().db.select().from(t.subscriptions).where(eq(t.subscriptions.id, row!.id));
    expect(read).toEqual(row);
  });

  it('rolls a failed transaction back whole, and the error reaches the caller', async () => {
    const { t } = store();
    const failing = store().transaction(async (tx) => {
      await tx.insert(t.subscriptions).values(subscription('-200'));
      throw new Error('no, after all');
    });
    await expect(failing).rejects.toThrow('no, after all');
    expect(await store().db.select().from(t.subscriptions).where(eq(t.subscriptions.destination, '-200'))).toEqual([]);
  });

  it('a transaction started inside another joins it: both commit or neither does', async () => {
    const { t } = store();
    const failing = store().transaction(async (tx) => {
      await store().transaction((inner) => inner.insert(t.subscriptions).values(subscription('-300')));
      await tx.insert(t.subscriptions).values(subscription('-301'));
      throw new Error('outer fails');
    });
    await expect(failing).rejects.toThrow('outer fails');
    const left = await store().db.select().from(t.subscriptions).where(eq(t.subscriptions.createdBy, 'tester'));
    expect(left.map((r) => r.destination)).not.toContain('-300');
  });

  it('transactions that read, wait and write do not lose each other\'s updates', async () => {
    const { t } = store();
    const [row] = await store().transaction((tx) => tx.insert(t.subscriptions).values({ ...subscription('-400'), services: [] }).returning());
    const addService = (name: string) =>
      store().transaction(async (tx) => {
        const [current] = await forUpdate(tx.select().from(t.subscriptions).where(eq(t.subscriptions.id, row!.id)));
        await new Promise((resolve) => setImmediate(resolve));
        await tx.update(t.subscriptions).set({ services: [...current!.services, name] }).where(eq(t.subscriptions.id, row!.id));
      });
    await Promise.all(['a', 'b', 'c', 'd'].map(addService));
    const [after] = await store().db.select().from(t.subscriptions).where(eq(t.subscriptions.id, row!.id));
    expect([...after!.services].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('the readiness probe writes through a transaction and keeps nothing of it', async () => {
    const { t } = store();
    const samples = async () => (await store().db.select({ n: count() }).from(t.metricSamples))[0]!.n;
    const before = await samples();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      await expect(readinessCheck(store(), redis)()).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
    expect(await samples()).toBe(before);
  });

  it('a statement the store refuses is told apart from other errors, naming the store and its code', async () => {
    const { t } = store();
    const duplicate = { ...subscription('-600') };
    await store().transaction((tx) => tx.insert(t.subscriptions).values(duplicate));
    const refused = await store()
      .transaction((tx) => tx.insert(t.subscriptions).values(duplicate))
      .then(() => undefined, (error: unknown) => error);
    expect(storeRefusal(refused)).toMatchObject(
      dialect === 'sqlite' ? { store: 'SQLite', code: 'SQLITE_CONSTRAINT_UNIQUE' } : { store: 'PostgreSQL', code: '23505' },
    );
    expect(storeRefusal(new Error('something else'))).toBeUndefined();
  });

  it.runIf(dialect === 'sqlite')('on SQLite, a write outside a transaction is refused at once', async () => {
    const { t } = store();
    await expect(store().db.insert(t.subscriptions).values(subscription('-500'))).rejects.toThrow(/readonly/);
  });
});
