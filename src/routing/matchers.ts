import type { SilenceMatcherJson } from '../db/schema.js';
import type { RoutableAlert } from './route.js';
import { matchesWhole, RegexError, regexProblem } from '../linear-regex.js';

const MATCHER = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/;

export class MatcherError extends Error {}

/**
 * Parses Alertmanager-style matchers separated by commas: `service=api`, `severity!=INFO`,
 * `env=~prod|staging`, `team!~ops.*`. `service` and `severity` match the alert's own fields,
 * every other name one of its labels. Values may be wrapped in double quotes. Regular expressions use
 * RE2 syntax, run in linear time and match the whole value, as in Alertmanager.
 */
export function parseMatchers(text: string): SilenceMatcherJson[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new MatcherError('give at least one matcher, like service=api or severity=CRIT');
  return parts.map(parseOne);
}

/** A matcher given as its parts (the API's JSON form): the same checks as the text form, a regular expression RE2 can run. */
export function checkMatcher(matcher: SilenceMatcherJson): SilenceMatcherJson {
  if ((matcher.op === '=~' || matcher.op === '!~') && regexProblem(matcher.value)) {
    throw new MatcherError(`the regular expression in ${matcher.name}${matcher.op}${matcher.value} is ${regexProblem(matcher.value)}`);
  }
  return matcher;
}

function parseOne(part: string): SilenceMatcherJson {
  const found = MATCHER.exec(part);
  if (!found) {
    throw new MatcherError(`${JSON.stringify(part)} is not a matcher: write name=value, name!=value, name=~regex or name!~regex`);
  }
  const [, name, op, raw] = found as unknown as [string, string, SilenceMatcherJson['op'], string];
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (value === '') throw new MatcherError(`${JSON.stringify(part)} has no value after ${op}`);
  if (op === '=~' || op === '!~') {
    const problem = regexProblem(value);
    if (problem) throw new MatcherError(`the regular expression in ${JSON.stringify(part)} is ${problem}`);
  }
  return { name, op, value };
}

export function formatMatchers(matchers: SilenceMatcherJson[]): string {
  return matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',');
}

export function matchesAll(matchers: SilenceMatcherJson[], alert: RoutableAlert): boolean {
  return matchers.every((m) => matchesOne(m, alert));
}

function matchesOne(matcher: SilenceMatcherJson, alert: RoutableAlert): boolean {
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

function fieldOf(alert: RoutableAlert, name: string): string | undefined {
  if (name === 'service') return alert.service ?? undefined;
  if (name === 'severity') return alert.severity;
  return alert.labels[name];
}
