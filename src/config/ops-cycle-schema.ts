import { z } from 'zod';
import { chatIds } from '../platforms/settings-contract.js';
import { eachPlatform } from '../platforms/settings.js';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day like 09:00 or 21:30');

/**
 * The daily ops cycles: when they run (in OPSBOT_TZ), where reports are written, where the digest
 * goes (by default every destination opsbot knows), and the dashboard's public address for links.
 */
export const opsCycleSchema = z
  .strictObject({
    times: z.array(time).min(1).max(24).default(['09:00', '21:00']),
    reportsDir: z.string().min(1).default('reports/daily'),
    /** Per platform; a platform left out gets no digest. */
    digest: z.strictObject(eachPlatform(chatIds)).optional(),
    /** e.g. https://ops.example.com — the digest links to <dashboardUrl>/ops/governance/reports/<name>. */
    dashboardUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .prefault({});

export type OpsCycleConfig = z.infer<typeof opsCycleSchema>;
