import { z } from 'zod';
import { SEVERITIES } from '../shared/types.js';

/** The bounds of one alert, shared by the intake schema and the Alertmanager mapping, which clips to them. */
export const ALERT_LIMITS = {
  title: 1_000,
  body: 100_000,
  service: 200,
  labels: 100,
  labelName: 200,
  labelValue: 1_024,
  dedupKey: 500,
  source: 200,
  link: 2_000,
} as const;

/** An absolute http or https URL of at most ALERT_LIMITS.link characters. */
export const alertLink = z.url({ protocol: /^https?$/ }).max(ALERT_LIMITS.link);

/** One alert as producers post it to /api/v1/alerts. Unknown fields are refused, not ignored. */
export const alertInputSchema = z.strictObject({
  severity: z.enum(SEVERITIES),
  title: z.string().trim().min(1).max(ALERT_LIMITS.title),
  body: z.string().max(ALERT_LIMITS.body).optional(),
  service: z.string().trim().min(1).max(ALERT_LIMITS.service).optional(),
  labels: z
    .record(z.string().min(1).max(ALERT_LIMITS.labelName), z.string().max(ALERT_LIMITS.labelValue))
    .refine((labels) => Object.keys(labels).length <= ALERT_LIMITS.labels, { message: `at most ${ALERT_LIMITS.labels} labels` })
    .optional(),
  dedupKey: z.string().min(1).max(ALERT_LIMITS.dedupKey).optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
  source: z.string().max(ALERT_LIMITS.source).optional(),
  link: alertLink.optional(),
});

export type AlertInput = z.infer<typeof alertInputSchema>;
