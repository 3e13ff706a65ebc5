import { z } from 'zod';

const glob = z.string().min(1).max(500);

/** What counts as too much in one repository; each breached threshold is one WARN alert, resolved when it clears. */
const thresholds = z
  .strictObject({
    /** The largest file, in lines. */
    largestFileLines: z.number().int().min(1).default(1_500),
    /** Files longer than `fileLineLimit`. */
    filesOverLimit: z.number().int().min(0).default(0),
    /** TODO and FIXME markers; absent: not watched. */
    todoCount: z.number().int().min(0).optional(),
    /** Lines in blocks of at least 6 lines (blank and very short ones left out) repeated elsewhere in the repository; absent: not watched. */
    duplicatedLines: z.number().int().min(0).optional(),
    /** Growth of all lines per day since the previous measurement; absent: not watched. */
    growthLinesPerDay: z.number().min(0).optional(),
  })
  .prefault({});

/**
 * The growth-governance plan's oversight of code: the local checkouts each ops cycle measures (file
 * sizes, TODO/FIXME debt, duplicated blocks, growth), with the thresholds that raise a WARN.
 */
export const governanceSchema = z
  .strictObject({
    repositories: z
      .array(
        z.strictObject({
          /** How reports, alerts and the API name it; default: the path's last folder. */
          name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits and _ . - only').optional(),
          path: z.string().min(1),
          include: z.array(glob).min(1).max(50).default(['**/*']),
          /** On top of .git and node_modules, which are never measured. */
          exclude: z.array(glob).max(50).default([]),
          /** A file longer than this counts as over the limit. */
          fileLineLimit: z.number().int().min(1).default(1_500),
          thresholds,
        }),
      )
      .max(20)
      .default([]),
  })
  .prefault({});

export type GovernanceConfig = z.infer<typeof governanceSchema>;
export type RepositoryConfig = GovernanceConfig['repositories'][number];
