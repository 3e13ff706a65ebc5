import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { nextGroupEdit } from '../src/alerts/group-join.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { parseConfigText } from '../src/config/load.js';
import { SummaryStore } from '../src/delivery/summary-store.js';
import { describeEachStore } from './helpers/stores.js';

const config = parseConfigText(
  `
routes:
  - name: disks
    match: { labels: { team: storage } }
    telegram: ["-400"]
    groupBy: [alertname]
    groupWait: 30s
    groupInterval: 5m
defaultRoute: { telegram: ["-400"] }
`,
  'test.yaml',
);

const storage = (alertname: string, instance: string) =>
  alertInputSchema.parse({ severity: 'WARN', title: `${alertname} on ${instance}`, dedupKey: `${alertname}-${instance}-${Math.random()}`, labels: { team: 'storage', alertname, instance } });

describeEachStore('route groups in the store', (store) => {
  const accept = (now: Date, ...inputs: ReturnType<typeof storage>[]) => new AlertAcceptor(store()).accept(config, inputs, now);
  const deliveriesOf = async (alertId: number) => {
    const { deliveries } = store().t;
    return store().db.select().from(deliveries).where(eq(deliveries.alertId, alertId));
  };

  it('alerts of one group within its wait share one pending message, posted groupWait after the first; another group gets its own', async () => {
    const t0 = new Date('2026-12-05T10:00:00.000Z');
    const first = await accept(t0, storage('DiskFull', 'a'), storage('InodesLow', 'a'));
    expect(first.work).toEqual([]);
    expect(first.summaries.map((s) => s.notBefore)).toEqual([new Date('2026-12-05T10:00:30.000Z'), new Date('2026-12-05T10:00:30.000Z')]);
    const later = await accept(new Date(t0.getTime() + 10_000), storage('DiskFull', 'b'));
    expect(later.summaries).toEqual([]);
    const [disk] = await deliveriesOf(first.results[0]!.id!);
    const [joined] = await deliveriesOf(later.results[0]!.id!);
    const [inodes] = await deliveriesOf(first.results[1]!.id!);
    expect(joined).toMatchObject({ state: 'summarized', summaryId: disk!.summaryId });
    expect(inodes!.summaryId).not.toBe(disk!.summaryId);
    const loaded = (await new SummaryStore(store()).loadSummary(disk!.summaryId!))!;
    expect(loaded.summary).toMatchObject({ state: 'pending', alertCount: 2, claimedBy: null, groupLabels: { alertname: 'DiskFull' } });
    expect(loaded.view.group).toEqual({ alertname: 'DiskFull' });
    expect(loaded.view.items.map((i) => i.title)).toEqual(['DiskFull on a', 'DiskFull on b']);
  });

  it('an alert that joins a posted group plans an edit at the next groupInterval since the post; a loud alert is never folded into a group', async () => {
    const t0 = new Date('2026-12-05T11:00:00.000Z');
    const first = await accept(t0, storage('Latency', 'a'));
    const summaryId = first.summaries[0]!.summaryId;
    await new SummaryStore(store()).markSummarySent(summaryId, 'm-1', 0, new Date(t0.getTime() + 30_000));
    const joined = await accept(new Date(t0.getTime() + 90_000), storage('Latency', 'b'));
    expect(joined.summaries).toEqual([{ summaryId, revision: 1, platform: 'telegram', notBefore: new Date(t0.getTime() + 30_000 + 300_000) }]);

    const waiting = await accept(t0, storage('Quiet', 'a'));
    const loud = await new AlertAcceptor(store()).accept(config, [alertInputSchema.parse({ severity: 'CRIT', title: 'no group' })], t0);
    expect(loud.work).toHaveLength(1);
    const storm = await new SummaryStore(store()).claimSummary('telegram', '-400', 'storm');
    expect(storm).not.toBe(waiting.summaries[0]!.summaryId);
    expect((await new SummaryStore(store()).loadSummary(storm!))!.view.items.map((i) => i.title)).toContain('no group');
    expect((await deliveriesOf(waiting.results[0]!.id!))[0]!.summaryId).toBe(waiting.summaries[0]!.summaryId);
    expect((await deliveriesOf(joined.results[0]!.id!))[0]!.summaryId).toBe(summaryId);
  });

  it('the first alerts of a new group accepted at the same moment (several instances) open one message, not two', async () => {
    const t0 = new Date('2026-12-05T12:00:00.000Z');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => accept(t0, storage('Raced', `r${i}`))));
    const groups = new Set<number | null>();
    for (const result of results) for (const d of await deliveriesOf(result.results[0]!.id!)) groups.add(d.summaryId);
    expect(groups.size).toBe(1);
    expect(results.flatMap((r) => r.summaries)).toHaveLength(1);
  });
});

it('a posted group is edited for joins at most once per interval since its post', () => {
  const sentAt = new Date('2026-12-05T10:00:00.000Z');
  expect(nextGroupEdit(sentAt, 300_000, new Date('2026-12-05T10:01:00.000Z'))).toEqual(new Date('2026-12-05T10:05:00.000Z'));
  expect(nextGroupEdit(sentAt, 300_000, new Date('2026-12-05T10:05:00.000Z'))).toEqual(new Date('2026-12-05T10:05:00.000Z'));
  expect(nextGroupEdit(sentAt, 300_000, new Date('2026-12-05T10:07:00.000Z'))).toEqual(new Date('2026-12-05T10:10:00.000Z'));
});
