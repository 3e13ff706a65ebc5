import { z } from 'zod';
import { SEVERITIES } from '../shared/types.js';
import { durationWithDefault } from './duration-schema.js';

/**
 * A job that checks in: stale when no beat arrived within `period + grace` (by default 10m + 5m,
 * so a silent job is noticed after 15 minutes).
 */
export const heartbeatSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits and _ . - only (it is part of a URL)'),
  description: z.string().max(500).optional(),
  period: durationWithDefault('10m'),
  grace: durationWithDefault('5m'),
  /** The alert when it goes stale. */
  severity: z.enum(SEVERITIES).default('WARN'),
  /** The alert when the job reports failure with /fail. */
  failSeverity: z.enum(SEVERITIES).default('CRIT'),
  service: z.string().min(1).max(200).optional(),
  /** A token of its own, so cron jobs can use `curl …/heartbeats/<name>?token=…` without the API token. */
  token: z.string().min(16, 'at least 16 characters').max(200).optional(),
});

export const heartbeatsSchema = z
  .array(heartbeatSchema)
  .default([])
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((hb, i) => {
      if (seen.has(hb.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `heartbeat ${JSON.stringify(hb.name)} is listed twice` });
      seen.add(hb.name);
    });
  });

export type HeartbeatConfig = z.infer<typeof heartbeatSchema>;
