import { z } from 'zod';
import type { Severity } from '../shared/types.js';
import { clipToLimits, type ClippedInput } from './alertmanager-clip.js';

/** Prometheus Alertmanager's webhook body (version 4). Extra fields from newer versions are ignored. */
export const alertmanagerSchema = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()).default({}),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string().optional(),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().min(1),
      }),
    )
    .min(1),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerSchema>;

export const DEFAULT_SEVERITY_MAP: Record<string, Severity> = {
  critical: 'CRIT',
  crit: 'CRIT',
  error: 'CRIT',
  page: 'CRIT',
  high: 'CRIT',
  warning: 'WARN',
  warn: 'WARN',
  medium: 'WARN',
  info: 'INFO',
  informational: 'INFO',
  low: 'INFO',
  none: 'INFO',
};

export interface SeverityMapping {
  severityMap: Record<string, Severity>;
  defaultSeverity: Severity;
}

/**
 * Maps each Alertmanager alert to an intake alert within the intake limits: what breaks one is clipped
 * and marked (see clipToLimits), never refused, because Alertmanager would re-send the group forever.
 */
export function alertmanagerToInputs(payload: AlertmanagerPayload, mapping: SeverityMapping): ClippedInput[] {
  const severities = new Map([...Object.entries(DEFAULT_SEVERITY_MAP), ...lowerKeys(mapping.severityMap)]);
  return payload.alerts.map((alert) => {
    const { labels, annotations } = alert;
    const declared = own(labels, 'severity')?.toLowerCase();
    const title = firstNonBlank(own(annotations, 'summary'), own(annotations, 'title'), own(labels, 'alertname')) ?? 'Alertmanager alert';
    const body = own(annotations, 'description') || own(annotations, 'message');
    const service = firstNonBlank(own(labels, 'service'), own(labels, 'job'));
    return clipToLimits({
      severity: (declared !== undefined && severities.get(declared)) || mapping.defaultSeverity,
      title,
      ...(body ? { body } : {}),
      ...(service ? { service } : {}),
      labels,
      dedupKey: alert.fingerprint,
      status: alert.status,
      source: 'alertmanager',
      ...(isHttpUrl(alert.generatorURL) ? { link: alert.generatorURL } : {}),
    });
  });
}

/** How many alerts a webhook body carries, counted before the schema runs, so that an oversized one is refused cheaply. */
export function alertCountOf(body: unknown): number {
  const alerts = typeof body === 'object' && body !== null ? (body as { alerts?: unknown }).alerts : undefined;
  return Array.isArray(alerts) ? alerts.length : 0;
}

function own(record: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function firstNonBlank(...candidates: Array<string | undefined>): string | undefined {
  return candidates.find((c) => c !== undefined && c.trim() !== '');
}

function lowerKeys(map: Record<string, Severity>): Array<[string, Severity]> {
  return Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]);
}

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//.test(value);
}
