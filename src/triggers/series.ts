import type { TriggerRule } from '../config/trigger-schema.js';
import type { MetricSample } from './telemetry.js';

/** A time-ordered list of values: what `evaluateRule` reads. */
export interface Point {
  time: number;
  value: number;
}

/** The samples of one rule for one groupBy combination. */
export interface Series {
  /** Stable id of the combination, e.g. `task=build`; `''` for a rule without groupBy. Key fire state by (rule name, key). */
  key: string;
  /** The groupBy labels of this series. */
  labels: Record<string, string>;
  points: Point[];
}

function matchesRule(rule: TriggerRule, sample: MetricSample): boolean {
  if (sample.name !== rule.metric) return false;
  return Object.entries(rule.labels ?? {}).every(([name, value]) => sample.labels[name] === value);
}

/**
 * Splits the samples a rule reads into its series: only the rule's metric, only samples carrying its label filter,
 * one series per distinct value of its groupBy labels (a missing label counts as the empty string), ordered by time.
 */
export function selectSeries(rule: TriggerRule, samples: readonly MetricSample[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const sample of samples) {
    if (!matchesRule(rule, sample)) continue;
    const labels = Object.fromEntries((rule.groupBy ?? []).map((name) => [name, sample.labels[name] ?? '']));
    const key = Object.entries(labels)
      .map(([name, value]) => `${name}=${value}`)
      .join(',');
    let series = byKey.get(key);
    if (!series) {
      series = { key, labels, points: [] };
      byKey.set(key, series);
    }
    series.points.push({ time: sample.time, value: sample.value });
  }
  for (const series of byKey.values()) series.points.sort((a, b) => a.time - b.time);
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/**
 * How much history a rule reads per series, so the store can be queried (and pruned) accordingly:
 * the samples of the trailing `windowMs`, or the `latest` N samples.
 */
export function historyNeeded(rule: TriggerRule): { windowMs: number } | { latest: number } {
  switch (rule.kind) {
    case 'threshold':
      return { latest: 1 };
    case 'baseline':
      return rule.window !== undefined ? { windowMs: rule.window } : { latest: (rule.samples ?? 0) + 1 };
    case 'rate':
    case 'forecast':
      return { windowMs: rule.window };
  }
}
