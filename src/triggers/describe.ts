import { formatNumber, formatPercent, formatSpan } from './format.js';
import { COMPARISON_SYMBOL } from './comparison.js';
import type { TriggerRule } from '../config/trigger-schema.js';

function condition(rule: TriggerRule): string {
  switch (rule.kind) {
    case 'threshold':
      return `${rule.metric} ${COMPARISON_SYMBOL[rule.op]} ${formatNumber(rule.value)}`;
    case 'rate':
      return rule.as === 'percent'
        ? `share of non-zero ${rule.metric} ${COMPARISON_SYMBOL[rule.op]} ${formatPercent(rule.value)} over ${formatSpan(rule.window)}`
        : `${rule.metric} total ${COMPARISON_SYMBOL[rule.op]} ${formatNumber(rule.value)} over ${formatSpan(rule.window)}`;
    case 'baseline': {
      const basis = rule.window !== undefined ? `the last ${formatSpan(rule.window)}` : `the previous ${formatNumber(rule.samples ?? 0)} samples`;
      return `${rule.metric} ${COMPARISON_SYMBOL[rule.op]} ${formatPercent(rule.percent)} of the ${rule.statistic} of ${basis}`;
    }
    case 'forecast':
      return `${rule.metric} trend over ${formatSpan(rule.window)} ${COMPARISON_SYMBOL[rule.op]} ${formatNumber(rule.threshold)} within ${formatSpan(rule.horizon)}`;
  }
}

/**
 * One line for `opsbot triggers` and GET /api/v1/triggers, e.g.
 * `task.duration_s ≥ 60 where env=prod, per task; cooldown 15m; heals worker/restart`.
 */
export function describeRule(rule: TriggerRule): string {
  const filter = Object.entries(rule.labels ?? {}).map(([name, value]) => `${name}=${value}`);
  const scope = [filter.length > 0 ? ` where ${filter.join(', ')}` : '', rule.groupBy ? `, per ${rule.groupBy.join(' and ')}` : ''].join('');
  const heal = rule.heal ? `; heals ${rule.heal.service}/${rule.heal.action}` : '';
  return `${condition(rule)}${scope}; cooldown ${formatSpan(rule.cooldown)}${heal}`;
}
