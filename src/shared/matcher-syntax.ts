import { regexProblem } from '../linear-regex.js';

/** A matcher in Alertmanager's syntax: a field or label name, an operator and a value or RE2 regular expression. */
export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const MATCHER = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/;

export class MatcherError extends Error {}

/**
 * Parses Alertmanager-style matchers separated by commas: `service=api`, `severity!=INFO`,
 * `env=~prod|staging`, `team!~ops.*`. `service` and `severity` match the alert's own fields,
 * every other name one of its labels. Values may be wrapped in double quotes. Regular expressions use
 * RE2 syntax, run in linear time and match the whole value, as in Alertmanager.
 */
export function parseMatchers(text: string): Matcher[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new MatcherError('give at least one matcher, like service=api or severity=CRIT');
  return parts.map(parseMatcher);
}

/** A matcher given as its parts (the API's JSON form): the same checks as the text form, a regular expression RE2 can run. */
export function checkMatcher(matcher: Matcher): Matcher {
  if ((matcher.op === '=~' || matcher.op === '!~') && regexProblem(matcher.value)) {
    throw new MatcherError(`the regular expression in ${matcher.name}${matcher.op}${matcher.value} is ${regexProblem(matcher.value)}`);
  }
  return matcher;
}

/** One matcher, its value taken whole (commas included): an entry of a list of matchers. */
export function parseMatcher(part: string): Matcher {
  const found = MATCHER.exec(part);
  if (!found) {
    throw new MatcherError(`${JSON.stringify(part)} is not a matcher: write name=value, name!=value, name=~regex or name!~regex`);
  }
  const [, name, op, raw] = found as unknown as [string, string, Matcher['op'], string];
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (value === '') throw new MatcherError(`${JSON.stringify(part)} has no value after ${op}`);
  if (op === '=~' || op === '!~') {
    const problem = regexProblem(value);
    if (problem) throw new MatcherError(`the regular expression in ${JSON.stringify(part)} is ${problem}`);
  }
  return { name, op, value };
}

export function formatMatchers(matchers: Matcher[]): string {
  return matchers.map((m) => `${m.name}${m.op}${m.value}`).join(',');
}
