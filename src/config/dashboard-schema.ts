import { z } from 'zod';

/**
 * The governance dashboard (/ops/governance). Log in with API_TOKEN or DASHBOARD_PASSWORD (both from
 * the environment); without either the dashboard is read-only. Sessions are kept in memory for
 * `sessionHours`.
 */
export const dashboardSchema = z
  .strictObject({
    password: z
      .never({ message: 'secrets are not kept in the config file: set the DASHBOARD_PASSWORD environment variable instead' })
      .optional(),
    sessionHours: z.number().positive().max(24 * 30).default(12),
  })
  .default({ sessionHours: 12 });

export type DashboardConfig = z.infer<typeof dashboardSchema>;
