import type { Logger } from 'pino';
import type { Inhibition } from '../alerts/inhibition-hold.js';
import type { MessageLink } from './sections/alert-page.js';
import type { RepositoryHealth } from './sections/code-health.js';
import type { Criterion } from '../reports/criteria.js';
import type { Store } from '../db/store.js';
import type { WorkSink } from '../shared/work.js';
import type { Platform } from '../shared/types.js';
import type { ServiceManager } from '../heal/service-manager.js';
import type { HealService } from '../heal/heal-service.js';
import type { Heartbeats } from '../heartbeats/heartbeats.js';

/** One written report, as the reports module lists them (newest first is not required). */
export interface ReportEntry {
  name: string;
  at: Date;
  path: string;
}

export type ListReports = () => Promise<ReportEntry[]>;

/** What the dashboard needs from the rest of the bot. */
export interface DashboardOptions {
  store: Store;
  sink: WorkSink;
  /** The config's inhibition rules and escalation policies, for a resolve that lets inhibited alerts go. */
  routing: Inhibition;
  /** The success criteria as the newest report measured them. */
  criteria: () => Promise<{ report: string; at: Date; criteria: Criterion[] } | null>;
  /** The governed repositories' latest code-health measurements, newest first. */
  codeHealth: () => Promise<RepositoryHealth[]>;
  /** A link to a posted message, where the platform has one (the alert page links each delivery's message). */
  messageLink: MessageLink;
  /** Chat platforms with a token. */
  platforms: Platform[];
  manager: ServiceManager;
  heal: HealService;
  heartbeats: Heartbeats;
  apiToken: string | undefined;
  /** `DASHBOARD_PASSWORD` from the environment. */
  password: string | undefined;
  sessionHours: number;
  listReports: ListReports;
  /** The Markdown text of a written report by name, or null when there is none. */
  reportText: (name: string) => Promise<string | null>;
  log: Logger;
  /** Delay before answering a refused login (default 1 s). */
  failedLoginDelayMs?: number;
}
