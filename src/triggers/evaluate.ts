import { formatNumber, formatPercent, formatSpan } from './format.js';
import { COMPARISON_SYMBOL as SYMBOL } from './comparison.js';
import { fitLine, mean, median } from './statistics.js';
import type { BaselineRule, Comparison, ForecastRule, RateRule, ThresholdRule, TriggerRule } from '../config/trigger-schema.js';
import type { Point } from './series.js';

/**
 * A rule's verdict on one series as of `now`. `value` is the quantity compared (the latest sample, the rate,
 * the percentage of the baseline, the worst projected value within the horizon), or null when there is too little data;
 * then `breached` is false and `detail` says what is missing.
 */
export interface Evaluation {
  value: number | null;
  breached: boolean;
  detail: string;
}

export function compare(value: number, op: Comparison, target: number): boolean {
  switch (op) {
    case '>=':
      return value >= target;
    case '>':
      return value > target;
    case '<=':
      return value <= target;
    case '<':
      return value < target;
  }
}

/** `≥ 60` when breached, ` (fires at ≥ 60)` style otherwise: the tail of every detail sentence. */
function verdict(breached: boolean, op: Comparison, target: string): string {
  return breached ? `${SYMBOL[op]} ${target}` : `(fires at ${SYMBOL[op]} ${target})`;
}

function noData(detail: string): Evaluation {
  return { value: null, breached: false, detail };
}

function plural(count: number, noun: string): string {
  return `${formatNumber(count)} ${noun}${count === 1 ? '' : 's'}`;
}

function evaluateThreshold(rule: ThresholdRule, points: Point[]): Evaluation {
  const latest = points.at(-1);
  if (!latest) return noData(`no ${rule.metric} sample yet`);
  const breached = compare(latest.value, rule.op, rule.value);
  return { value: latest.value, breached, detail: `${rule.metric} ${formatNumber(latest.value)} ${verdict(breached, rule.op, formatNumber(rule.value))}` };
}

/** `… ≥ 20 % (2 of 8 samples)` when breached, `…, 1 of 10 samples (fires at ≥ 20 %)` otherwise. */
function rateDetail(subject: string, breached: boolean, op: Comparison, target: string, samples: string): string {
  return breached ? `${subject} ${verdict(true, op, target)} (${samples})` : `${subject}, ${samples} ${verdict(false, op, target)}`;
}

function evaluateRate(rule: RateRule, points: Point[], now: number): Evaluation {
  const inWindow = points.filter((point) => point.time > now - rule.window);
  const span = formatSpan(rule.window);
  if (rule.as === 'count') {
    const sum = inWindow.reduce((total, point) => total + point.value, 0);
    const breached = compare(sum, rule.op, rule.value);
    const subject = `${rule.metric} total ${formatNumber(sum)} over ${span}`;
    return { value: sum, breached, detail: rateDetail(subject, breached, rule.op, formatNumber(rule.value), plural(inWindow.length, 'sample')) };
  }
  if (inWindow.length === 0) return noData(`no ${rule.metric} samples in the last ${span}`);
  if (inWindow.length < rule.minSamples) {
    return noData(`only ${plural(inWindow.length, 'sample')} of ${rule.metric} in the last ${span}; the rate needs ${rule.minSamples}`);
  }
  const nonZero = inWindow.filter((point) => point.value !== 0).length;
  const percent = (nonZero / inWindow.length) * 100;
  const breached = compare(percent, rule.op, rule.value);
  const subject = `${rule.metric} rate ${formatPercent(percent)} over ${span}`;
  const samples = `${formatNumber(nonZero)} of ${plural(inWindow.length, 'sample')}`;
  return { value: percent, breached, detail: rateDetail(subject, breached, rule.op, formatPercent(rule.value), samples) };
}

function evaluateBaseline(rule: BaselineRule, points: Point[], now: number): Evaluation {
  const window = rule.window;
  const considered = window === undefined ? points : points.filter((point) => point.time > now - window);
  const latest = considered.at(-1);
  if (!latest) return noData(window === undefined ? `no ${rule.metric} sample yet` : `no ${rule.metric} samples in the last ${formatSpan(window)}`);
  const previous = considered.slice(0, -1);
  const baseline = rule.samples === undefined ? previous : previous.slice(-rule.samples);
  if (baseline.length < rule.minSamples) {
    return noData(`only ${plural(baseline.length, 'sample')} of ${rule.metric} before the latest; the baseline needs ${rule.minSamples}`);
  }
  const values = baseline.map((point) => point.value);
  const reference = rule.statistic === 'median' ? median(values) : mean(values);
  if (reference <= 0) {
    return noData(`${rule.statistic} of the ${plural(baseline.length, 'previous sample')} of ${rule.metric} is ${formatNumber(reference)}; no percentage of it to compare`);
  }
  const percent = (latest.value / reference) * 100;
  const breached = compare(percent, rule.op, rule.percent);
  return {
    value: percent,
    breached,
    detail: `${rule.metric} ${formatNumber(latest.value)} = ${formatPercent(percent)} of ${rule.statistic} ${formatNumber(reference)} ${verdict(breached, rule.op, formatPercent(rule.percent))}`,
  };
}

function evaluateForecast(rule: ForecastRule, points: Point[], now: number): Evaluation {
  const inWindow = points.filter((point) => point.time > now - rule.window);
  const span = formatSpan(rule.window);
  const horizon = formatSpan(rule.horizon);
  if (inWindow.length < rule.minSamples) {
    return noData(`only ${plural(inWindow.length, 'sample')} of ${rule.metric} in the last ${span}; a forecast needs ${rule.minSamples}`);
  }
  const line = fitLine(inWindow.map((point) => ({ x: point.time - now, y: point.value })));
  if (!line) return noData(`all ${plural(inWindow.length, 'sample')} of ${rule.metric} in the last ${span} share one time; no trend`);
  const atNow = line.intercept;
  const atHorizon = line.intercept + line.slope * rule.horizon;
  const rising = rule.op === '>=' || rule.op === '>';
  const worst = rising ? Math.max(atNow, atHorizon) : Math.min(atNow, atHorizon);
  const breached = compare(worst, rule.op, rule.threshold);
  const target = `${SYMBOL[rule.op]} ${formatNumber(rule.threshold)}`;
  if (!breached) {
    return { value: worst, breached, detail: `${rule.metric} trend reaches ${formatNumber(atHorizon)} in ${horizon} (fires when it would be ${target} within ${horizon})` };
  }
  if (compare(atNow, rule.op, rule.threshold)) {
    return { value: worst, breached, detail: `${rule.metric} trend is already ${formatNumber(atNow)} ${target} (horizon ${horizon})` };
  }
  const crossesIn = (rule.threshold - line.intercept) / line.slope;
  return {
    value: worst,
    breached,
    detail: `${rule.metric} trend reaches ${formatNumber(atHorizon)} ${target} in ${horizon}, crossing in ${formatSpan(crossesIn)}`,
  };
}

/** Evaluates a rule over one series' points (ascending by time) as of `now`; points after `now` are ignored. */
export function evaluateRule(rule: TriggerRule, points: readonly Point[], now: number): Evaluation {
  const upToNow = points.filter((point) => point.time <= now);
  switch (rule.kind) {
    case 'threshold':
      return evaluateThreshold(rule, upToNow);
    case 'rate':
      return evaluateRate(rule, upToNow, now);
    case 'baseline':
      return evaluateBaseline(rule, upToNow, now);
    case 'forecast':
      return evaluateForecast(rule, upToNow, now);
  }
}
