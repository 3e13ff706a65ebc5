import type { InhibitRule } from '../config/inhibit-schema.js';
import { fieldOf, matchesAll, type RoutableAlert } from './matchers.js';

/** A firing alert that may inhibit others. */
export interface InhibitingAlert extends RoutableAlert {
  id: number;
}

/** Whether the alert matches any rule's source side, so it may inhibit others while it fires. */
export function mayInhibit(rules: InhibitRule[], alert: RoutableAlert): boolean {
  return rules.some((rule) => matchesAll(rule.sourceMatchers, alert));
}

/** Whether the alert matches any rule's target side, so a firing source may hold it back. */
export function mayBeInhibited(rules: InhibitRule[], alert: RoutableAlert): boolean {
  return rules.some((rule) => matchesAll(rule.targetMatchers, alert));
}

/**
 * The first of `sources` (firing alerts) that inhibits `target` under one of `rules`, and the rule, as
 * Alertmanager decides: the target matches the rule's target matchers, the source its source matchers,
 * both have the same value (or both none) for every `equal` label, and an alert never inhibits itself.
 * An alert that matches both sides of a rule is not inhibited by another that does too, so two such
 * alerts do not hold each other back.
 */
export function inhibitorOf(
  rules: InhibitRule[],
  sources: InhibitingAlert[],
  target: RoutableAlert & { id?: number },
): { source: InhibitingAlert; rule: InhibitRule } | undefined {
  for (const rule of rules) {
    if (!matchesAll(rule.targetMatchers, target)) continue;
    const targetIsSource = matchesAll(rule.sourceMatchers, target);
    const source = sources.find(
      (s) =>
        s.id !== target.id &&
        matchesAll(rule.sourceMatchers, s) &&
        !(targetIsSource && matchesAll(rule.targetMatchers, s)) &&
        rule.equal.every((label) => (fieldOf(s, label) ?? '') === (fieldOf(target, label) ?? '')),
    );
    if (source) return { source, rule };
  }
  return undefined;
}
