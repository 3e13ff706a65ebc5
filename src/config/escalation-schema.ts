import { z } from 'zod';
import { SEVERITIES } from '../shared/types.js';
import { duration } from './duration-schema.js';
import { chatIds } from '../platforms/settings-contract.js';
import { eachPlatform, perPlatformSection } from '../platforms/settings.js';


const level = z.strictObject({
  level: z.number().int().min(1).max(4),
  /** Time since the alert fired. */
  after: duration,
  repeat: z.strictObject({ every: duration, times: z.number().int().min(1).max(100) }).optional(),
  mention: z.strictObject(perPlatformSection('mentions')).prefault({}),
  /** Extra destinations this level notifies besides the alert's own (managers, system-wide channels), per platform. */
  ...eachPlatform(chatIds),
  /** L4: every destination opsbot knows. */
  everywhere: z.boolean().default(false),
});

const policy = z.strictObject({ levels: z.array(level).min(1) });

/** The ladder of the ops runbook: L1 re-notify the route, L2 on-call, L3 managers and system-wide, L4 everyone. */
export const DEFAULT_POLICY_NAME = 'default';
const defaultPolicy = {
  levels: [
    { level: 1, after: '5m' },
    { level: 2, after: '15m', repeat: { every: '15m', times: 1 } },
    { level: 3, after: '45m' },
    { level: 4, after: '90m', everywhere: true },
  ],
};

export const escalationSchema = z
  .strictObject({
    policies: z.record(z.string().min(1), policy).default({}),
    /** Which policy alerts of each severity climb when their route names none; absent means no escalation. */
    bySeverity: z.partialRecord(z.enum(SEVERITIES), z.string().min(1)).default({ CRIT: DEFAULT_POLICY_NAME }),
  })
  .default({ policies: {}, bySeverity: { CRIT: DEFAULT_POLICY_NAME } })
  .transform((escalation) => ({
    ...escalation,
    policies: { [DEFAULT_POLICY_NAME]: policy.parse(defaultPolicy), ...escalation.policies } as Record<string, z.infer<typeof policy>>,
  }));

export type EscalationConfig = z.infer<typeof escalationSchema>;
export type EscalationPolicy = z.infer<typeof policy>;
export type EscalationLevel = z.infer<typeof level>;
