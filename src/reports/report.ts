import type { Criterion } from './criteria.js';
import type { CodeHealthEntry } from '../governance/code-health.js';
import type * as sections from './summary.js';

type SectionOf<K extends keyof typeof sections> = Awaited<ReturnType<(typeof sections)[K]>>;

/** Everything one ops cycle found; written as the JSON twin of the Markdown report. */
export interface OpsReport {
  name: string;
  kind: 'morning' | 'evening' | 'on-demand';
  generatedAt: string;
  timezone: string;
  localTime: string;
  period: { start: string; end: string };
  trigger: string;
  checks: { services: Array<{ service: string; result: string }>; heartbeatsWentStale: string[]; triggersFired: string[] };
  alerts?: SectionOf<'alertsSection'>;
  stillFiring?: SectionOf<'stillFiringSection'>;
  response?: SectionOf<'responseSection'>;
  escalations?: SectionOf<'escalationsSection'>;
  heals?: SectionOf<'healsSection'>;
  restarts?: SectionOf<'restartsSection'>;
  heartbeats?: SectionOf<'heartbeatsSection'>;
  uptime?: SectionOf<'uptimeSection'>;
  failedDeliveries?: SectionOf<'failedDeliveriesSection'>;
  triggerFires?: SectionOf<'triggerFiresSection'>;
  /** The plan's success criteria over 48 h and 7 d, against their targets. */
  criteria?: Criterion[];
  /** Each governed repository measured by this cycle (governance.repositories). */
  codeHealth?: CodeHealthEntry[];
  /** The parts that could not be made, with the reason; the rest of the report stands. */
  failures: string[];
}

/** `2026-11-22` and `0900` in the given time zone. */
export function localParts(date: Date, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}${parts.minute}` };
}
