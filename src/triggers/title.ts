import type { Severity } from '../shared/types.js';
import { formatNumber } from './format.js';
import { TITLE_PLACEHOLDER } from '../config/trigger-schema.js';

export const DEFAULT_TITLE = '{rule}: {detail}';

export interface TitleContext {
  rule: { name: string; metric: string; severity: Severity; title?: string | undefined };
  evaluation: { value: number | null; detail: string };
  /** The labels of the series that fired (its groupBy labels); a missing label renders as `?`. */
  labels: Record<string, string>;
}

/** The alert title for a fire: the rule's template (or `{rule}: {detail}`) with its placeholders filled in. */
export function renderTriggerTitle({ rule, evaluation, labels }: TitleContext): string {
  return (rule.title ?? DEFAULT_TITLE).replace(TITLE_PLACEHOLDER, (whole, placeholder: string) => {
    if (placeholder.startsWith('labels.')) return labels[placeholder.slice('labels.'.length)] ?? '?';
    switch (placeholder) {
      case 'rule':
        return rule.name;
      case 'metric':
        return rule.metric;
      case 'value':
        return evaluation.value === null ? 'n/a' : formatNumber(evaluation.value);
      case 'detail':
        return evaluation.detail;
      case 'severity':
        return rule.severity;
      default:
        return whole;
    }
  });
}
