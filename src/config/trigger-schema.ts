import { z } from 'zod';
import { SEVERITIES } from '../shared/types.js';
import { parseDuration } from '../time/duration.js';

export const COMPARISONS = ['>=', '>', '<=', '<'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** `{rule}`, `{labels.task}`: the placeholders a rule's title may use. */
export const TITLE_PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

const PLAIN_PLACEHOLDERS = new Set(['rule', 'metric', 'value', 'detail', 'severity']);

function isKnownTitlePlaceholder(placeholder: string): boolean {
  return PLAIN_PLACEHOLDERS.has(placeholder) || /^labels\.[A-Za-z_][A-Za-z0-9_.-]*$/.test(placeholder);
}

/** A duration written like `90s`, `10m`, `1h30m`, parsed to milliseconds. */
const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a duration like 90s, 10m, 1h30m or 2d` });
    return z.NEVER;
  }
  return ms;
});
const positiveDuration = duration.refine((ms) => ms > 0, { message: 'must be longer than 0s' });

const comparison = z.enum(COMPARISONS, { error: `must be one of ${COMPARISONS.map((op) => `'${op}'`).join(', ')}` });
const finite = z.number({ error: 'must be a number' }).finite();
const ruleName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 characters of a-z, 0-9, _ and -, starting with a letter or digit');

export const metricName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,199}$/, 'must be 1-200 characters of letters, digits, _ . : and -, starting with a letter or _');
export const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/, 'must be 1-100 characters of letters, digits, _ . and -');
export const labelMap = z
  .record(labelName, z.string().max(1_024))
  .refine((labels) => Object.keys(labels).length <= 50, { message: 'at most 50 labels' });

const title = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .superRefine((text, ctx) => {
    for (const [, placeholder] of text.matchAll(TITLE_PLACEHOLDER)) {
      if (placeholder !== undefined && !isKnownTitlePlaceholder(placeholder)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${placeholder}}; use {rule}, {metric}, {value}, {detail}, {severity} or {labels.NAME}`,
        });
      }
    }
  });

/** Fields every rule has, whatever its kind. */
const common = {
  name: ruleName,
  metric: metricName,
  /** Only samples carrying every one of these labels with exactly this value count. */
  labels: labelMap.optional(),
  /** One series per distinct combination of these labels (e.g. per task); absent means one series for the rule. */
  groupBy: z.array(labelName).min(1).max(5).optional(),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }),
  /** After a fire, no new fire until this much time has passed, even if a new breach starts. */
  cooldown: duration.default(15 * 60_000),
  heal: z.strictObject({ service: z.string().trim().min(1).max(200), action: z.string().trim().min(1).max(100).default('restart') }).optional(),
  /** Alert title; placeholders {rule} {metric} {value} {detail} {severity} {labels.NAME}. Default `{rule}: {detail}`. */
  title: title.optional(),
};

/** The latest sample compared with a fixed value. */
const thresholdRule = z.strictObject({
  ...common,
  kind: z.literal('threshold'),
  op: comparison,
  value: finite,
});

/**
 * Samples within a trailing window: the share that is non-zero (`percent`, e.g. task errors as 0/1)
 * or their sum (`count`; an empty window sums to 0).
 */
const rateRule = z.strictObject({
  ...common,
  kind: z.literal('rate'),
  window: positiveDuration,
  op: comparison,
  value: finite,
  as: z.enum(['percent', 'count'], { error: "must be 'percent' or 'count'" }),
  /** `percent` only: fewer samples in the window than this, no verdict. */
  minSamples: z.number().int().min(1).max(10_000).default(1),
});

/** The latest sample as a percentage of the median (or mean) of the samples before it. */
const baselineRule = z
  .strictObject({
    ...common,
    kind: z.literal('baseline'),
    /** The baseline is the samples within this trailing window, before the latest one … */
    window: positiveDuration.optional(),
    /** … or this many samples before the latest one. */
    samples: z.number().int().min(1).max(10_000).optional(),
    op: comparison.default('>='),
    percent: z.number().finite().positive(),
    statistic: z.enum(['median', 'mean'], { error: "must be 'median' or 'mean'" }).default('median'),
    /** Fewer baseline samples than this: no verdict. */
    minSamples: z.number().int().min(1).max(10_000).default(3),
  })
  .superRefine((rule, ctx) => {
    if ((rule.window === undefined) === (rule.samples === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'a baseline rule needs exactly one of window (e.g. 1h) or samples (e.g. 20)' });
    }
  });

/** A least-squares line through the window's samples, extended `horizon` ahead of now. */
const forecastRule = z.strictObject({
  ...common,
  kind: z.literal('forecast'),
  window: positiveDuration,
  op: comparison,
  threshold: finite,
  horizon: positiveDuration,
  minSamples: z.number().int().min(2).max(10_000).default(3),
});

export const triggerRuleSchema = z.discriminatedUnion('kind', [thresholdRule, rateRule, baselineRule, forecastRule], {
  error: (issue) =>
    issue.code === 'invalid_union' ? "must be one of 'threshold', 'rate', 'baseline', 'forecast'" : undefined,
});

/** The `triggers:` list of the config file; rule names are unique. */
export const triggerRulesSchema = z
  .array(triggerRuleSchema)
  .max(500)
  .default([])
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, index) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate rule name ${JSON.stringify(rule.name)}` });
      seen.add(rule.name);
    });
  });

export type TriggerRule = z.infer<typeof triggerRuleSchema>;
export type TriggerRuleInput = z.input<typeof triggerRuleSchema>;
export type ThresholdRule = Extract<TriggerRule, { kind: 'threshold' }>;
export type RateRule = Extract<TriggerRule, { kind: 'rate' }>;
export type BaselineRule = Extract<TriggerRule, { kind: 'baseline' }>;
export type ForecastRule = Extract<TriggerRule, { kind: 'forecast' }>;
