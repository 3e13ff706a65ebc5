import { z } from 'zod';

/**
 * The governance dashboard (/ops/governance). Log in with API_TOKEN or this password; without
 * either the dashboard is read-only. Sessions are kept in memory for `sessionHours`.
 */
export const dashboardSchema = z
  .strictObject({
    password: z.string().min(12, 'at least 12 characters').max(200).optional(),
    sessionHours: z.number().positive().max(24 * 30).default(12),
  })
  .default({ sessionHours: 12 });

export type DashboardConfig = z.infer<typeof dashboardSchema>;
