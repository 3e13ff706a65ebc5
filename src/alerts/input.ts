import { z } from 'zod';
import { SEVERITIES } from '../channels/types.js';

const label = z.string().max(1_024);

/** One alert as producers post it to /api/v1/alerts. Unknown fields are refused, not ignored. */
export const alertInputSchema = z.strictObject({
  severity: z.enum(SEVERITIES),
  title: z.string().trim().min(1).max(1_000),
  body: z.string().max(100_000).optional(),
  service: z.string().trim().min(1).max(200).optional(),
  labels: z
    .record(z.string().min(1).max(200), label)
    .refine((labels) => Object.keys(labels).length <= 100, { message: 'at most 100 labels' })
    .optional(),
  dedupKey: z.string().min(1).max(500).optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
  source: z.string().max(200).optional(),
  link: z.url({ protocol: /^https?$/ }).max(2_000).optional(),
});

export type AlertInput = z.infer<typeof alertInputSchema>;
