import type { EscalationMentions } from '../platforms/settings.js';

export const SEVERITIES = ['INFO', 'WARN', 'CRIT'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The chat platforms come from their settings registry; every layer names them through here. */
export { PLATFORMS, type Platform, type EscalationMentions } from '../platforms/settings.js';

/** What a renderer needs to know about one alert; built from the alerts row. */
export interface AlertView {
  id: number;
  severity: Severity;
  title: string;
  body: string | null;
  service: string | null;
  labels: Record<string, string>;
  source: string | null;
  link: string | null;
  status: 'firing' | 'resolved';
  /** How many times this alert has fired (1 = once; dedup bumps it). */
  count: number;
  firedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  ackedAt: Date | null;
  ackedBy: string | null;
}

/** One alert inside a storm summary: only what the summary shows. */
export interface SummaryItem {
  id: number;
  severity: Severity;
  title: string;
  service: string | null;
  status: 'firing' | 'resolved';
  /** Times it fired while firing (dedup), 1 for a single occurrence. */
  count: number;
  ackedAt: Date | null;
}

/** Several alerts for one destination combined into one message. */
export interface SummaryView {
  id: number;
  items: SummaryItem[];
  createdAt: Date;
  /** A route group's labels (`groupBy` with the alerts' values); absent for a storm summary. */
  group?: Record<string, string>;
}

/** A rung of the escalation ladder, announced in a chat. */
export interface EscalationView {
  alert: AlertView;
  level: number;
  repeat: number;
  /** How long the alert has been firing without an ack. */
  unackedForMs: number;
  mentions: EscalationMentions;
}
