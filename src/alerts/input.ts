import { z } from 'zod';
import { SEVERITIES, type Severity } from '../shared/types.js';

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

const alertFields = z.strictObject({
  severity: z.enum(SEVERITIES).optional(),
  title: z.string().trim().min(1).max(ALERT_LIMITS.title).optional(),
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

type AlertFields = z.infer<typeof alertFields>;
/** A firing alert: it says how bad and what. */
export type FiringInput = AlertFields & { status: 'firing'; severity: Severity; title: string };
/** A resolution: its dedupKey names the firing alert it resolves; severity and title may be left out. */
export type ResolutionInput = AlertFields & { status: 'resolved' };
export type AlertInput = FiringInput | ResolutionInput;

/**
 * One alert as producers post it to /api/v1/alerts. Unknown fields are refused, not ignored. A
 * firing alert needs its severity and title; a resolution only the dedupKey of what it resolves.
 */
export const alertInputSchema = alertFields
  .refine((alert) => alert.status === 'resolved' || alert.severity !== undefined, {
    path: ['severity'],
    message: `a firing alert needs its severity: one of ${SEVERITIES.join(', ')}`,
    when: ({ value }) => typeof value === 'object' && value !== null && !('severity' in value && value.severity !== undefined),
  })
  .refine((alert) => alert.status === 'resolved' || alert.title !== undefined, {
    path: ['title'],
    message: 'a firing alert needs a title',
    when: ({ value }) => typeof value === 'object' && value !== null && !('title' in value && value.title !== undefined),
  })
  .transform((alert) => alert as AlertInput);
