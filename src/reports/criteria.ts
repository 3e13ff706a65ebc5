import { access, readFile } from 'node:fs/promises';
import { and, desc, eq, gte, inArray, isNotNull, lt } from 'drizzle-orm';
import type { Store } from '../db/store.js';
import { formatDuration } from '../time/duration.js';

/** The plan's success criteria, each over these windows. */
export const CRITERIA_WINDOWS = [
  { name: '48 h', ms: 48 * 3_600_000 },
  { name: '7 d', ms: 7 * 86_400_000 },
] as const;

export const TARGETS = {
  healSuccess: 0.98,
  deliveryMs: 3_000,
  dashboardP99Ms: 250,
  longestDownMs: 120_000,
} as const;

/** Dashboard page times are kept this long: the longest window and a day. */
const PAGE_TIMES_KEPT_MS = 8 * 86_400_000;
/** A run whose beats stopped less than this before the next began was not down: beats come every 5 s. */
const BEAT_GAP_MS = 15_000;

export interface CriterionValue {
  /** What was measured, in words (`99.1 % of 220 runs`, `p50 1.2 s · p99 2.4 s`); `no data` when nothing was. */
  value: string;
  /** null: nothing to judge in the window (no heal run, no page served). */
  met: boolean | null;
}

export interface Criterion {
  name: string;
  target: string;
  windows: Record<(typeof CRITERIA_WINDOWS)[number]['name'], CriterionValue>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

async function healSuccess(store: Store, since: Date, now: Date): Promise<CriterionValue> {
  const { healRuns } = store.t;
  const runs = await store.db
    .select({ state: healRuns.state })
    .from(healRuns)
    .where(and(gte(healRuns.startedAt, since), lt(healRuns.startedAt, now), inArray(healRuns.state, ['succeeded', 'failed'])));
  if (runs.length === 0) return { value: 'no heal run', met: null };
  const rate = runs.filter((r) => r.state === 'succeeded').length / runs.length;
  return { value: `${(rate * 100).toFixed(1)} % of ${runs.length} runs`, met: rate >= TARGETS.healSuccess };
}

async function deliveryTime(store: Store, since: Date, now: Date): Promise<CriterionValue> {
  const { alerts, deliveries } = store.t;
  const rows = await store.db
    .select({ sentAt: deliveries.sentAt, acceptedAt: alerts.acceptedAt })
    .from(deliveries)
    .innerJoin(alerts, eq(alerts.id, deliveries.alertId))
    .where(and(isNotNull(deliveries.sentAt), gte(deliveries.sentAt, since), lt(deliveries.sentAt, now)));
  if (rows.length === 0) return { value: 'no delivery', met: null };
  const times = rows.map((r) => r.sentAt!.getTime() - r.acceptedAt.getTime()).sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  return { value: `p50 ${seconds(p50)} · p99 ${seconds(p99)} over ${times.length}`, met: p50 < TARGETS.deliveryMs && p99 < TARGETS.deliveryMs };
}

async function dashboardLatency(store: Store, since: Date, now: Date): Promise<CriterionValue> {
  const { dashboardRequests } = store.t;
  const rows = await store.db
    .select({ durationMs: dashboardRequests.durationMs })
    .from(dashboardRequests)
    .where(and(gte(dashboardRequests.at, since), lt(dashboardRequests.at, now)));
  if (rows.length === 0) return { value: 'no page served', met: null };
  const p99 = percentile(rows.map((r) => r.durationMs).sort((a, b) => a - b), 99);
  return { value: `p99 ${p99} ms over ${rows.length} pages`, met: p99 < TARGETS.dashboardP99Ms };
}

/**
 * The longest stretch in the window when no opsbot instance was running, from the instances' runs
 * (start to last beat): the gaps between the merged runs, and before the first one that began in the
 * window when an earlier run ended in it.
 */
export async function longestDowntime(store: Store, since: Date, now: Date): Promise<CriterionValue> {
  const { instanceRuns } = store.t;
  const runs = await store.db
    .select()
    .from(instanceRuns)
    .where(and(gte(instanceRuns.lastBeatAt, new Date(since.getTime() - BEAT_GAP_MS)), lt(instanceRuns.startedAt, now)))
    .orderBy(instanceRuns.startedAt);
  if (runs.length === 0) return { value: 'no run recorded', met: null };
  let longest = 0;
  let coveredUntil = Math.max(since.getTime(), runs[0]!.startedAt.getTime());
  for (const run of runs) {
    const start = Math.max(run.startedAt.getTime(), since.getTime());
    if (start - coveredUntil > BEAT_GAP_MS) longest = Math.max(longest, start - coveredUntil);
    coveredUntil = Math.max(coveredUntil, run.lastBeatAt.getTime());
  }
  return { value: longest === 0 ? 'never down' : `${formatDuration(longest)} at the longest`, met: longest < TARGETS.longestDownMs };
}

/** Whether the scheduled reports of the window were written (a row) and verified (both files there, the JSON readable and naming it). */
async function reportsVerified(store: Store, since: Date, now: Date): Promise<CriterionValue> {
  const { reports } = store.t;
  const rows = await store.db
    .select()
    .from(reports)
    .where(and(eq(reports.trigger, 'schedule'), gte(reports.at, since), lt(reports.at, now)))
    .orderBy(desc(reports.at));
  if (rows.length === 0) return { value: 'no scheduled report', met: null };
  const unverified: string[] = [];
  for (const row of rows) {
    try {
      await access(row.markdownPath);
      const json = JSON.parse(await readFile(row.jsonPath, 'utf8')) as { name?: unknown };
      if (json.name !== row.name) unverified.push(row.name);
    } catch {
      unverified.push(row.name);
    }
  }
  if (unverified.length === 0) return { value: `${rows.length} written and verified`, met: true };
  return { value: `${unverified.length} of ${rows.length} missing or unreadable: ${unverified.slice(0, 3).join(', ')}`, met: false };
}

/** Every criterion over 48 h and 7 d up to `now`; page times older than a week and a day are dropped first. */
export async function successCriteria(store: Store, now = new Date()): Promise<Criterion[]> {
  const { dashboardRequests } = store.t;
  await store.transaction((tx) => tx.delete(dashboardRequests).where(lt(dashboardRequests.at, new Date(now.getTime() - PAGE_TIMES_KEPT_MS))));
  const measures: Array<{ name: string; target: string; measure: (store: Store, since: Date, now: Date) => Promise<CriterionValue> }> = [
    { name: 'auto-heal success rate', target: `≥ ${TARGETS.healSuccess * 100} %`, measure: healSuccess },
    { name: 'alert delivery time', target: `p50 and p99 < ${TARGETS.deliveryMs / 1000} s`, measure: deliveryTime },
    { name: 'dashboard latency', target: `p99 < ${TARGETS.dashboardP99Ms} ms`, measure: dashboardLatency },
    { name: 'longest time opsbot was down', target: `< ${formatDuration(TARGETS.longestDownMs)}`, measure: longestDowntime },
    { name: 'daily reports written and verified', target: 'all', measure: reportsVerified },
  ];
  const criteria: Criterion[] = [];
  for (const { name, target, measure } of measures) {
    const windows = {} as Criterion['windows'];
    for (const window of CRITERIA_WINDOWS) windows[window.name] = await measure(store, new Date(now.getTime() - window.ms), now);
    criteria.push({ name, target, windows });
  }
  return criteria;
}

/** `alert delivery time (48 h): p50 4.1 s · p99 9.0 s over 120, target p50 and p99 < 3 s`, one per criterion and window missed. */
export function missedCriteria(criteria: Criterion[]): string[] {
  return criteria.flatMap((c) =>
    Object.entries(c.windows)
      .filter(([, v]) => v.met === false)
      .map(([window, v]) => `${c.name} (${window}): ${v.value}, target ${c.target}`),
  );
}

/** The criteria of the newest report that has them, as it measured them (what the dashboard shows: no 7-day scan per page). */
export async function latestCriteria(store: Store): Promise<{ report: string; at: Date; criteria: Criterion[] } | null> {
  const { reports } = store.t;
  const newest = await store.db.select().from(reports).orderBy(desc(reports.at), desc(reports.id)).limit(5);
  for (const row of newest) {
    try {
      const json = JSON.parse(await readFile(row.jsonPath, 'utf8')) as { criteria?: Criterion[] };
      if (json.criteria) return { report: row.name, at: row.at, criteria: json.criteria };
    } catch {
      continue;
    }
  }
  return null;
}
