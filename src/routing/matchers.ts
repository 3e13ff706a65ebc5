import type { Matcher } from '../shared/matcher-syntax.js';
import { matchesWhole, RegexError } from '../linear-regex.js';
import type { Severity } from '../shared/types.js';

/** What routes, matchers and inhibit rules look at in an alert. */
export interface RoutableAlert {
  severity: Severity;
  service: string | null;
  labels: Record<string, string>;
}

export function matchesAll(matchers: Matcher[], alert: RoutableAlert): boolean {
  return matchers.every((m) => matchesOne(m, alert));
}

function matchesOne(matcher: Matcher, alert: RoutableAlert): boolean {
  const actual = fieldOf(alert, matcher.name) ?? '';
  switch (matcher.op) {
    case '=':
      return actual === matcher.value;
    case '!=':
      return actual !== matcher.value;
    case '=~':
      return regexMatches(matcher.value, actual) === true;
    case '!~':
      return regexMatches(matcher.value, actual) === false;
  }
}

/** undefined for a silence stored before regexes ran in RE2 whose pattern RE2 refuses: it matches nothing, so nothing is hidden. */
function regexMatches(source: string, actual: string): boolean | undefined {
  try {
    return matchesWhole(source, actual);
  } catch (error) {
    if (error instanceof RegexError) return undefined;
    throw error;
  }
}

/** A field (`service`, `severity`) or label of the alert, as matchers and inhibition's `equal` compare it. */
export function fieldOf(alert: RoutableAlert, name: string): string | undefined {
  if (name === 'service') return alert.service ?? undefined;
  if (name === 'severity') return alert.severity;
  return alert.labels[name];
}
