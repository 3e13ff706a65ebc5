import { and, desc, eq, gte, lt } from 'drizzle-orm';
import type { Logger } from 'pino';
import { forUpdate, type Db, type Store } from '../db/store.js';
import type { TriggerFireRow, TriggerStateRow } from '../db/schema.js';
import type { RaiseAlert } from '../heartbeats/heartbeats.js';
import { HealRefusal, type HealService } from '../heal/heal-service.js';
import type { TriggerRule } from '../config/trigger-schema.js';
import type { MetricBatch } from './metric-batch-schema.js';
import { samplesFromBatch, type MetricSample } from './telemetry.js';
import { historyNeeded, selectSeries, type Series } from './series.js';
import { evaluateRule } from './evaluate.js';
import { decideFire, INITIAL_FIRE_STATE } from './fire-state.js';
import { renderTriggerTitle } from './title.js';
import { describeRule } from './describe.js';

/** Samples older than this are deleted by the sweep; windows and baselines must fit inside it. */
export const SAMPLE_RETENTION_MS = 7 * 86_400_000;
/** The most samples of one metric read for one evaluation. */
const HISTORY_LIMIT = 20_000;

export interface IngestResult {
  samples: number;
  /** `did`: what the fire did, e.g. `raised alert #12; started heal run #3 (worker/flush)`. */
  fired: Array<{ rule: string; series: string; detail: string; did: string }>;
}

export interface TriggerView {
  name: string;
  kind: TriggerRule['kind'];
  metric: string;
  severity: TriggerRule['severity'];
  rule: string;
  series: Array<{ key: string; labels: Record<string, string>; lastValue: number | null; lastDetail: string | null; breached: boolean; lastFiredAt: Date | null }>;
  lastFire: { at: Date; detail: string; series: string } | null;
}

/**
 * Stores metric samples and task telemetry, evaluates the rules that read them, and fires each
 * rule once per breach (not within its cooldown): an alert, and the rule's heal action if it has one.
 * A breach that ends resolves its alert.
 */
export class TriggerEngine {
  constructor(
    private readonly store: Store,
    private readonly rules: TriggerRule[],
    private readonly raise: RaiseAlert,
    private readonly heal: HealService,
    private readonly log: Logger,
  ) {}

  async ingest(batch: MetricBatch, now = Date.now()): Promise<IngestResult> {
    const samples = samplesFromBatch(batch, now);
    const { metricSamples } = this.store.t;
    await this.store.transaction(async (tx) => {
      for (let i = 0; i < samples.length; i += 500) await tx.insert(metricSamples).values(samples.slice(i, i + 500));
    });
    const metrics = new Set(samples.map((s) => s.name));
    const fired = await this.evaluate(this.rules.filter((rule) => metrics.has(rule.metric)), now);
    return { samples: samples.length, fired };
  }

  /** Re-evaluates every rule (windows move on without new samples) and drops samples past retention. */
  async sweep(now = Date.now()): Promise<IngestResult['fired']> {
    const { metricSamples } = this.store.t;
    await this.store.transaction((tx) => tx.delete(metricSamples).where(lt(metricSamples.time, now - SAMPLE_RETENTION_MS)));
    return this.evaluate(this.rules, now);
  }

  async list(): Promise<TriggerView[]> {
    const { triggerStates, triggerFires } = this.store.t;
    const states = await this.store.db.select().from(triggerStates).orderBy(triggerStates.rule, triggerStates.seriesKey);
    const views: TriggerView[] = [];
    for (const rule of this.rules) {
      const [last] = await this.store.db.select().from(triggerFires).where(eq(triggerFires.rule, rule.name)).orderBy(desc(triggerFires.id)).limit(1);
      views.push({
        name: rule.name,
        kind: rule.kind,
        metric: rule.metric,
        severity: rule.severity,
        rule: describeRule(rule),
        series: states
          .filter((s) => s.rule === rule.name)
          .map((s) => ({
            key: s.seriesKey,
            labels: s.labels,
            lastValue: s.lastValue,
            lastDetail: s.lastDetail,
            breached: s.breached,
            lastFiredAt: s.lastFiredAt === null ? null : new Date(s.lastFiredAt),
          })),
        lastFire: last ? { at: last.at, detail: last.detail, series: last.seriesKey } : null,
      });
    }
    return views;
  }

  fires(limit = 100): Promise<TriggerFireRow[]> {
    const { triggerFires } = this.store.t;
    return this.store.db.select().from(triggerFires).orderBy(desc(triggerFires.id)).limit(limit);
  }

  private async evaluate(rules: TriggerRule[], now: number): Promise<IngestResult['fired']> {
    const fired: IngestResult['fired'] = [];
    for (const rule of rules) {
      for (const series of selectSeries(rule, await this.history(rule, now))) {
        const outcome = await this.evaluateSeries(rule, series, now);
        if (outcome) fired.push(outcome);
      }
    }
    return fired;
  }

  private async history(rule: TriggerRule, now: number): Promise<MetricSample[]> {
    const { metricSamples } = this.store.t;
    const needed = historyNeeded(rule);
    const since = 'windowMs' in needed ? now - needed.windowMs : now - SAMPLE_RETENTION_MS;
    const newestFirst = await this.store.db
      .select({ name: metricSamples.name, labels: metricSamples.labels, value: metricSamples.value, time: metricSamples.time })
      .from(metricSamples)
      .where(and(eq(metricSamples.name, rule.metric), gte(metricSamples.time, since)))
      .orderBy(desc(metricSamples.time), desc(metricSamples.id))
      .limit(HISTORY_LIMIT);
    return newestFirst.reverse();
  }

  private async evaluateSeries(rule: TriggerRule, series: Series, now: number) {
    const evaluation = evaluateRule(rule, series.points, now);
    const decision = await this.store.transaction(async (tx) => {
      const previous = await this.lockedState(tx, rule, series, now);
      const decided = decideFire({ breached: previous.breached, lastFiredAt: previous.lastFiredAt }, evaluation, now, rule.cooldown);
      await this.saveState(tx, rule, series, { ...decided.nextState, lastValue: evaluation.value, lastDetail: evaluation.detail, evaluatedAt: now });
      return decided;
    });
    const alert = {
      severity: rule.severity,
      title: renderTriggerTitle({ rule, evaluation, labels: series.labels }),
      body: evaluation.detail,
      ...(rule.heal ? { service: rule.heal.service } : series.labels.task ? { service: series.labels.task } : {}),
      labels: { trigger: rule.name, ...series.labels },
      dedupKey: `opsbot:trigger:${rule.name}:${series.key}`,
      source: 'opsbot trigger',
    };
    if (decision.reason === 'recovered') await this.raise({ ...alert, status: 'resolved' });
    if (!decision.fire) return null;
    const accepted = (await this.raise({ ...alert, status: 'firing' })) as { alerts?: Array<{ id: number | null }> } | undefined;
    const healRunId = await this.startHeal(rule, evaluation.detail);
    const fire = { rule: rule.name, seriesKey: series.key, at: new Date(now), value: evaluation.value, detail: evaluation.detail, alertId: accepted?.alerts?.[0]?.id ?? null, healRunId };
    await this.store.transaction((tx) => tx.insert(this.store.t.triggerFires).values(fire));
    this.log.info({ rule: rule.name, series: series.key, detail: evaluation.detail, healRunId }, 'trigger fired');
    const raised = fire.alertId === null ? 'raised its alert' : `raised alert #${fire.alertId}`;
    const healed = rule.heal ? (healRunId === null ? `; heal ${rule.heal.service}/${rule.heal.action} not started (see the log)` : `; started heal run #${healRunId} (${rule.heal.service}/${rule.heal.action})`) : '';
    return { rule: rule.name, series: series.key, detail: evaluation.detail, did: `${raised}${healed}` };
  }

  private async startHeal(rule: TriggerRule, detail: string): Promise<number | null> {
    if (!rule.heal) return null;
    try {
      const { run, done } = await this.heal.start(rule.heal.service, rule.heal.action, 'rule', `trigger ${rule.name}`);
      done.catch((error: unknown) => this.log.error({ err: error, rule: rule.name }, 'trigger heal failed unexpectedly'));
      return run.id;
    } catch (error) {
      if (!(error instanceof HealRefusal)) throw error;
      this.log.info({ rule: rule.name, reason: error.message, detail }, 'trigger heal not started');
      return null;
    }
  }

  /**
   * The series' state inside `tx` (a new series starts unbreached), locked until the transaction ends,
   * so two instances evaluating one series at once cannot both fire.
   */
  private async lockedState(tx: Db, rule: TriggerRule, series: Series, now: number): Promise<TriggerStateRow> {
    const { triggerStates } = this.store.t;
    const initial = { ...INITIAL_FIRE_STATE, lastValue: null, lastDetail: null, evaluatedAt: now };
    await tx.insert(triggerStates).values({ rule: rule.name, seriesKey: series.key, labels: series.labels, ...initial }).onConflictDoNothing();
    const [row] = await forUpdate(tx.select().from(triggerStates).where(and(eq(triggerStates.rule, rule.name), eq(triggerStates.seriesKey, series.key))));
    return row!;
  }

  private async saveState(tx: Db, rule: TriggerRule, series: Series, set: Omit<TriggerStateRow, 'rule' | 'seriesKey' | 'labels'>): Promise<void> {
    const { triggerStates } = this.store.t;
    await tx.update(triggerStates).set(set).where(and(eq(triggerStates.rule, rule.name), eq(triggerStates.seriesKey, series.key)));
  }
}
