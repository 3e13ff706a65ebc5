import { mkdir, writeFile } from 'node:fs/promises';
import type { Store } from '../db/store.js';
import { isAbsolute, join } from 'node:path';
import { desc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { ReportRow } from '../db/schema.js';
import type { FileConfig } from '../config/file-schema.js';
import type { ChannelAdapter } from '../platforms/adapter.js';
import type { Platform } from '../shared/types.js';
import type { Pacer } from '../delivery/pacer.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';
import type { ServiceManager } from '../heal/service-manager.js';
import type { TriggerEngine } from '../triggers/engine.js';
import { allDestinations, destinationsIn, type Destination } from '../escalation/targets.js';
import { listSubscriptions } from '../routing/subscriptions.js';
import * as sections from './summary.js';
import { successCriteria } from './criteria.js';
import { codeHealthSamples, codeHealthEntries, measureCodeHealth, type CodeHealthEntry } from '../governance/code-health.js';
import { localParts, type OpsReport } from './report.js';
import { renderReportMarkdown } from './render-markdown.js';
import { renderDigest } from './digest.js';

export interface CycleDeps {
  store: Store;
  config: FileConfig;
  timezone: string;
  /** Where a relative `opsCycle.reportsDir` is resolved (the working directory). */
  baseDir: string;
  heartbeats: Heartbeats;
  services: ServiceManager;
  triggers: TriggerEngine;
  adapters: Partial<Record<Platform, ChannelAdapter>>;
  pacer: Pacer;
  log: Logger;
}

/** A first cycle covers the 12 hours before it. */
const FIRST_PERIOD_MS = 12 * 3_600_000;
const PACE_WAITS = 5;

/** Runs one part of a cycle; a part that throws is named in `failures` and logged, and yields nothing. */
type Attempt = <T>(part: string, make: () => T | Promise<T>) => Promise<T | undefined>;

function partAttempts(log: Logger): { attempt: Attempt; failures: string[] } {
  const failures: string[] = [];
  const attempt: Attempt = async (part, make) => {
    try {
      return await make();
    } catch (error) {
      failures.push(`${part}: ${error instanceof Error ? error.message : String(error)}`);
      log.error({ err: error, part }, 'ops cycle part failed');
      return undefined;
    }
  };
  return { attempt, failures };
}

/**
 * One ops cycle: runs every probe and check now, summarizes the period since the last cycle,
 * writes the Markdown report and its JSON twin, and posts the digest. A part that fails is named in
 * the report; the rest is still written and posted.
 */
export async function runOpsCycle(deps: CycleDeps, trigger: string, now = new Date()): Promise<{ row: ReportRow; report: OpsReport }> {
  const [last] = await listReports(deps.store, 1);
  const period = { start: last ? last.at : new Date(now.getTime() - FIRST_PERIOD_MS), end: now };
  const local = localParts(now, deps.timezone);
  const kind = trigger === 'schedule' ? (Number(local.time.slice(0, 2)) < 12 ? 'morning' : 'evening') : 'on-demand';
  const { attempt, failures } = partAttempts(deps.log);
  const checks = await runChecks(deps, attempt, now);
  const report: OpsReport = {
    name: await uniqueName(deps.store, `OPS_${local.date}_${local.time}`),
    kind,
    generatedAt: now.toISOString(),
    timezone: deps.timezone,
    localTime: `${local.date} ${local.time.slice(0, 2)}:${local.time.slice(2)}`,
    period: { start: period.start.toISOString(), end: period.end.toISOString() },
    trigger,
    checks,
    failures,
  };
  await addSections(deps, report, period, attempt, now);
  if (deps.config.governance.repositories.length > 0) {
    const codeHealth = await attempt('code health', () => measureAndWatch(deps, now));
    if (codeHealth) report.codeHealth = codeHealth;
  }
  return writeReport(deps, report, period, now);
}

/** Every probe, heartbeat check and trigger evaluation, run now. */
async function runChecks(deps: CycleDeps, attempt: Attempt, now: Date): Promise<OpsReport['checks']> {
  const checks: OpsReport['checks'] = { services: [], heartbeatsWentStale: [], triggersFired: [] };
  for (const service of deps.services.all()) {
    const result = await attempt(`check of ${service.name}`, () => deps.services.check(service.name));
    checks.services.push({ service: service.name, result: (await deps.services.isEnabled(service.name)) ? (result ?? 'no probe') : 'disabled (maintenance)' });
  }
  checks.heartbeatsWentStale = (await attempt('heartbeat check', () => deps.heartbeats.checkAll(now))) ?? [];
  checks.triggersFired = ((await attempt('trigger evaluation', () => deps.triggers.sweep(now.getTime()))) ?? []).map((f) => `${f.rule}${f.series ? ` (${f.series})` : ''}`);
  return checks;
}

/**
 * Measures every governed repository and hands the figures to the trigger rules of their thresholds,
 * which raise a WARN per breach and resolve it once it clears. A repository that cannot be read is
 * one problem in its entry, not a failed cycle.
 */
async function measureAndWatch(deps: CycleDeps, now: Date): Promise<CodeHealthEntry[]> {
  const results = await measureCodeHealth(deps.store, deps.config.governance, now);
  await deps.triggers.ingest(codeHealthSamples(results), now.getTime());
  return codeHealthEntries(results);
}

/** The report's summaries of the period; a section that fails is left out and named in `failures`. */
async function addSections(deps: CycleDeps, report: OpsReport, period: { start: Date; end: Date }, attempt: Attempt, now: Date): Promise<void> {
  const set = <K extends keyof OpsReport>(key: K, value: OpsReport[K] | undefined) => {
    if (value !== undefined) report[key] = value;
  };
  set('alerts', await attempt('alerts', () => sections.alertsSection(deps.store, period)));
  set('stillFiring', await attempt('still firing', () => sections.stillFiringSection(deps.store)));
  set('response', await attempt('response times', () => sections.responseSection(deps.store, period)));
  set('escalations', await attempt('escalations', () => sections.escalationsSection(deps.store, period)));
  set('heals', await attempt('heal runs', () => sections.healsSection(deps.store, period)));
  set('restarts', await attempt('restarts', () => sections.restartsSection(deps.store, period)));
  set('uptime', await attempt('uptime', () => sections.uptimeSection(deps.store, deps.services.all().map((s) => s.name), period)));
  set('heartbeats', await attempt('heartbeats', async () => sections.heartbeatsSection(await deps.heartbeats.list(now))));
  set('failedDeliveries', await attempt('failed deliveries', () => sections.failedDeliveriesSection(deps.store, period)));
  set('triggerFires', await attempt('trigger fires', () => sections.triggerFiresSection(deps.store, period)));
  set('criteria', await attempt('success criteria', () => successCriteria(deps.store, now)));
}

/** Posts the digest, writes the JSON and Markdown files, and records the report. */
async function writeReport(deps: CycleDeps, report: OpsReport, period: { start: Date; end: Date }, now: Date): Promise<{ row: ReportRow; report: OpsReport }> {
  const dir = isAbsolute(deps.config.opsCycle.reportsDir) ? deps.config.opsCycle.reportsDir : join(deps.baseDir, deps.config.opsCycle.reportsDir);
  const markdownPath = join(dir, `${report.name}.md`);
  const jsonPath = join(dir, `${report.name}.json`);
  await mkdir(dir, { recursive: true });
  await postDigest(deps, report, report.failures);
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdownPath, renderReportMarkdown(report));
  const values = { name: report.name, at: now, periodStart: period.start, trigger: report.trigger, markdownPath, jsonPath, headline: headline(report), failures: report.failures };
  const [row] = await deps.store.transaction((tx) => tx.insert(deps.store.t.reports).values(values).returning());
  deps.log.info({ report: report.name, failures: report.failures.length }, 'ops cycle done');
  return { row: row!, report };
}

async function postDigest(deps: CycleDeps, report: OpsReport, failures: string[]): Promise<void> {
  const link = deps.config.opsCycle.dashboardUrl ? `${deps.config.opsCycle.dashboardUrl.replace(/\/$/, '')}/ops/governance/reports/${report.name}` : null;
  const destinations = await digestDestinations(deps);
  const text = () => renderDigest(report, link);
  for (const target of destinations) {
    const adapter = deps.adapters[target.platform];
    if (!adapter) continue;
    try {
      await waitForSlot(deps.pacer, target, report.name);
      await adapter.postText(target.destination, text());
    } catch (error) {
      failures.push(`digest to ${target.platform} ${target.destination}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function digestDestinations(deps: CycleDeps): Promise<Destination[]> {
  const digest = deps.config.opsCycle.digest;
  if (!digest) return allDestinations(deps.config, await listSubscriptions(deps.store));
  return destinationsIn(digest);
}

async function waitForSlot(pacer: Pacer, target: Destination, report: string): Promise<void> {
  for (let i = 0; i < PACE_WAITS; i++) {
    const slot = await pacer.take(target.platform, target.destination, `digest:${report}`);
    if (slot.allowed) return;
    await new Promise((resolve) => setTimeout(resolve, slot.waitMs));
  }
  throw new Error('the destination stayed rate-limited');
}

async function uniqueName(store: Store, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}_${n}`;
    if (!(await findReport(store, name))) return name;
  }
}

function headline(report: OpsReport): string {
  const alerts = report.alerts ? `${report.alerts.total} alerts` : 'alerts unknown';
  const firing = report.stillFiring ? `${report.stillFiring.total} still firing` : '';
  return [alerts, firing, report.failures.length ? `${report.failures.length} parts failed` : ''].filter(Boolean).join(', ');
}

export function listReports(store: Store, limit = 50): Promise<ReportRow[]> {
  const { reports } = store.t;
  return store.db.select().from(reports).orderBy(desc(reports.at), desc(reports.id)).limit(limit);
}

export async function findReport(store: Store, name: string): Promise<ReportRow | undefined> {
  const { reports } = store.t;
  const [row] = await store.db.select().from(reports).where(eq(reports.name, name)).limit(1);
  return row;
}
