import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { DeliveryStore } from '../src/delivery/store.js';
import { SummaryStore } from '../src/delivery/summary-store.js';
import { describeEachStore } from './helpers/stores.js';

describeEachStore('delivery store operations', (store) => {
  const deliveryOf = async (title: string, destination = '-300') => {
    const yaml = parseConfigText(`defaultRoute: { telegram: ["${destination}"] }\n`, 'test.yaml');
    const accepted = await new AlertAcceptor(store()).accept(yaml, [alertInputSchema.parse({ severity: 'WARN', title })]);
    return accepted.work[0]!.deliveryId;
  };

  it('one claim wins when several holders race for a pending delivery', async () => {
    const deliveries = new DeliveryStore(store());
    const id = await deliveryOf('raced');
    const won = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => deliveries.claimForSending(id, holder)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const row = (await deliveries.load(id))!.delivery;
    expect(row).toMatchObject({ state: 'sending', claimedBy: ['a', 'b', 'c', 'd'][won.indexOf(true)] });
  });

  it('a claim is taken over only while it is still the claim that was seen', async () => {
    const deliveries = new DeliveryStore(store());
    const id = await deliveryOf('taken over');
    await deliveries.claimForSending(id, 'crashed', new Date('2026-12-04T10:00:00.000Z'));
    const seen = (await deliveries.load(id))!.delivery;
    expect(await deliveries.takeOverClaim(id, seen, 'rescuer')).toBe(true);
    expect(await deliveries.takeOverClaim(id, seen, 'late')).toBe(false);
    expect((await deliveries.load(id))!.delivery.claimedBy).toBe('rescuer');
    await deliveries.releaseClaim(id);
    const released = (await deliveries.load(id))!.delivery;
    expect(released).toMatchObject({ claimedAt: null, claimedBy: null });
    expect(await deliveries.takeOverClaim(id, released, 'next')).toBe(true);
  });

  it('returns a claim to pending only for its holder, then counts what waits', async () => {
    const deliveries = new DeliveryStore(store());
    const id = await deliveryOf('handed back', '-301');
    await deliveries.claimForSending(id, 'me');
    expect(await deliveries.countWaiting('telegram', '-301')).toBe(0);
    expect(await deliveries.returnToPending(id, 'someone else')).toBe(false);
    expect(await deliveries.returnToPending(id, 'me')).toBe(true);
    expect(await deliveries.countPending('telegram', '-301')).toBe(1);
    expect(await deliveries.countWaiting('telegram', '-301')).toBe(1);
    expect(await deliveries.oldestPending('telegram', '-301')).toMatchObject({ id, createdAt: expect.any(Date) });
  });

  it('a read while another transaction is open sees only what is committed, and the commit at once', async () => {
    const deliveries = new DeliveryStore(store());
    const id = await deliveryOf('half done', '-303');
    await deliveries.claimForSending(id, 'me');
    let seenInside: number | undefined;
    await store().transaction(async (tx) => {
      const { deliveries: table } = store().t;
      await tx.update(table).set({ state: 'pending', claimedBy: null, claimedAt: null }).where(eq(table.id, id));
      seenInside = await new Promise<number>((resolve, reject) => setImmediate(() => deliveries.countWaiting('telegram', '-303').then(resolve, reject)));
    });
    expect(seenInside).toBe(0);
    expect(await deliveries.countWaiting('telegram', '-303')).toBe(1);
  });

  it('records attempts, the sent message, edits that never go back a revision, and failure', async () => {
    const deliveries = new DeliveryStore(store());
    const id = await deliveryOf('outcomes');
    expect(await deliveries.recordAttempt(id, 'telegram 502')).toBe(1);
    expect(await deliveries.recordAttempt(id, 'telegram 502')).toBe(2);
    await deliveries.markSent(id, 'm-1', { revision: 3, status: 'firing' }, new Date('2026-12-04T10:00:01.000Z'));
    await deliveries.markSynced(id, 2);
    expect((await deliveries.load(id))!.delivery).toMatchObject({ state: 'sent', messageId: 'm-1', syncedRevision: 3, attempts: 2, sentAt: new Date('2026-12-04T10:00:01.000Z'), lastError: null });
    await deliveries.markSynced(id, 5, 'edit refused');
    expect((await deliveries.load(id))!.delivery).toMatchObject({ syncedRevision: 5, lastError: 'edit refused' });
    await deliveries.markFailed(id, 'gone');
    expect((await deliveries.load(id))!.delivery).toMatchObject({ state: 'failed', lastError: 'gone' });
  });

  it('a storm summary takes what waits at the destination, grows while it waits for its retry, and fails with its alerts', async () => {
    const summaries = new SummaryStore(store());
    const deliveries = new DeliveryStore(store());
    const first = await Promise.all(['s1', 's2', 's3'].map((title) => deliveryOf(title, '-302')));
    const summaryId = (await summaries.claimSummary('telegram', '-302', 'me'))!;
    const loaded = (await summaries.loadSummary(summaryId))!;
    expect(loaded.summary).toMatchObject({ alertCount: 3, claimedBy: 'me', state: 'pending' });
    expect(loaded.view.items.map((i) => i.title).sort()).toEqual(['s1', 's2', 's3']);
    expect(await summaries.claimSummary('telegram', '-302', 'me')).toBeUndefined();
    await summaries.recordSummaryAttempt(summaryId, 'telegram 502');
    await deliveryOf('s4', '-302');
    expect(await summaries.claimSummary('telegram', '-302', 'me')).toBe(summaryId);
    expect((await summaries.loadSummary(summaryId))!.summary).toMatchObject({ alertCount: 4, attempts: 0 });
    await summaries.markSummaryFailed(summaryId, 'chat gone');
    expect((await deliveries.load(first[0]!))!.delivery).toMatchObject({ state: 'failed', lastError: `summary #${summaryId} failed: chat gone` });
  });

  it('a summary is posted, edited forward only, and its claim taken over like a delivery\'s', async () => {
    const summaries = new SummaryStore(store());
    await Promise.all(['t1', 't2'].map((title) => deliveryOf(title, '-303')));
    const summaryId = (await summaries.claimSummary('telegram', '-303', 'crashed'))!;
    const seen = (await summaries.loadSummary(summaryId))!.summary;
    expect(await summaries.takeOverSummaryClaim(summaryId, seen, 'rescuer')).toBe(true);
    expect(await summaries.takeOverSummaryClaim(summaryId, seen, 'late')).toBe(false);
    await summaries.markSummarySent(summaryId, 'm-9', 2);
    await summaries.markSummarySynced(summaryId, 1);
    expect((await summaries.loadSummary(summaryId))!.summary).toMatchObject({ state: 'sent', messageId: 'm-9', syncedRevision: 2 });
  });
});
