import { z } from 'zod';
import { MatcherError, parseMatcher, parseMatchers, type Matcher } from '../shared/matcher-syntax.js';

/**
 * Matchers in Alertmanager's syntax: a list with one matcher per entry (`['alertname=NodeDown',
 * 'severity=CRIT']`, as `source_matchers` in Alertmanager), or one string of comma-separated matchers.
 */
const matchers = z.union([z.string(), z.array(z.string()).min(1).max(20)]).transform((given, ctx): Matcher[] => {
  try {
    return Array.isArray(given) ? given.map((one) => parseMatcher(one.trim())) : parseMatchers(given);
  } catch (error) {
    if (!(error instanceof MatcherError)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

/**
 * Alertmanager's inhibition: while an alert matching `sourceMatchers` fires, new alerts matching
 * `targetMatchers` with the same values of the `equal` labels (`service` and `severity` name the
 * alert's own fields) are stored but not posted, until the source resolves.
 */
export const inhibitRuleSchema = z.strictObject({
  /** Shown on the alert page and in the logs; `inhibitRules[i]` when absent. */
  name: z.string().min(1).max(100).optional(),
  sourceMatchers: matchers,
  targetMatchers: matchers,
  equal: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a label name: letters, digits and _')).max(20).default([]),
});

export const inhibitRulesSchema = z.array(inhibitRuleSchema).max(100).default([]);

export type InhibitRule = z.infer<typeof inhibitRuleSchema>;
