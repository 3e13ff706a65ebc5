/**
 * What a regular-expression matcher from chat or config costs per alert now that it runs in re2js
 * (src/linear-regex.ts): one match of a cached expression, a pattern that backtracks exponentially in
 * V8 (the issue-14 silence), a label at its 1,024-character limit, a fresh compile, and a silence check
 * against 100 active regex silences (what the intake does for each new alert).
 */
import { regexProblem } from '../src/linear-regex.js';
import { parseMatchers } from '../src/shared/matcher-syntax.js';
import { silenceFor } from '../src/routing/silences.js';
import type { SilenceRow } from '../src/db/schema.js';
import type { Summary } from './stats.js';
import { time } from './stages.js';

export function runMatcherStages(): Array<[string, Summary]> {
  const alert = (service: string, labels: Record<string, string> = {}) => ({ severity: 'CRIT' as const, service, labels });
  const silence = (id: number, text: string) => ({ id, matchers: parseMatchers(text) }) as SilenceRow;
  const plain = [silence(1, 'service=~prod|staging')];
  const nested = [silence(2, 'service=~(a+)+')];
  const longLabel = [silence(3, 'service=~x,env=~(a|aa)*b')];
  const hundred = Array.from({ length: 100 }, (_, i) => silence(10 + i, `service=~svc-${i}-(api|worker)-[0-9]+,env=~prod.*`));
  const catastrophic = alert(`${'a'.repeat(33)}!`);
  const longValue = alert('x', { env: `${'a'.repeat(1_023)}!` });
  return [
    ['silence regex match, service=~prod|staging (compiled once)', time(20_000, () => silenceFor(plain, alert('staging')))],
    ["silence regex match, service=~(a+)+ vs 'a'×33+'!' (40 s in V8)", time(20_000, () => silenceFor(nested, catastrophic))],
    ['silence regex match, env=~(a|aa)*b vs a 1,024-character label', time(2_000, () => silenceFor(longLabel, longValue))],
    ['regex compile and check, a fresh 40-character pattern', time(2_000, (i) => regexProblem(`svc-${i}-(api|worker|cron)-[0-9]{1,4}\\.prod`))],
    ['silence check, 100 active regex silences, none matching', time(2_000, (i) => silenceFor(hundred, alert(`svc-${i % 100}-db-1`)))],
  ];
}
