import { count } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { describeEachStore } from './helpers/stores.js';

const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-200"] }\n', 'test.yaml');
const batch = [
  { severity: 'CRIT', title: 'disk full' },
  { severity: 'WARN', title: 'disk filling' },
].map((alert) => alertInputSchema.parse(alert));

describeEachStore('intake transaction', (store) => {
  const storedAlerts = async () => (await store().db.select({ n: count() }).from(store().t.alerts))[0]!.n;

  it('stores a batch inside the caller’s transaction, so the caller’s rollback takes the whole batch back', async () => {
    const acceptor = new AlertAcceptor(store());
    const before = await storedAlerts();
    const acceptThenFail = store().transaction(async (tx) => {
      const result = await acceptor.acceptIn(tx, config, batch);
      expect(result.work).toHaveLength(4);
      throw new Error('the caller’s own work failed');
    });
    await expect(acceptThenFail).rejects.toThrow('the caller’s own work failed');
    expect(await storedAlerts()).toBe(before);

    await store().transaction((tx) => acceptor.acceptIn(tx, config, batch));
    expect(await storedAlerts()).toBe(before + 2);
  });

  it('a repeat of a firing alert bumps it, a resolution resolves it, one without a firing alert is ignored', async () => {
    const acceptor = new AlertAcceptor(store());
    const disk = (status?: 'resolved') => alertInputSchema.parse({ severity: 'CRIT', title: 'disk full', dedupKey: 'disk-db1', ...(status ? { status } : {}) });
    const [created] = (await acceptor.accept(config, [disk()])).results;
    expect(created).toMatchObject({ outcome: 'created', deliveries: 2 });
    const bumped = await acceptor.accept(config, [disk()]);
    expect(bumped.results).toEqual([{ id: created!.id, outcome: 'deduplicated', count: 2 }]);
    expect(bumped.work.map((w) => w.revision)).toEqual([2, 2]);
    const resolved = await acceptor.accept(config, [disk('resolved')]);
    expect(resolved.results).toEqual([{ id: created!.id, outcome: 'resolved' }]);
    expect((await acceptor.accept(config, [disk('resolved')])).results[0]).toMatchObject({ id: null, outcome: 'ignored' });
  });
});
