import { z } from 'zod';
import type { Severity } from '../channels/types.js';
import type { AlertInput } from '../alerts/input.js';

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

export function alertmanagerToInputs(payload: AlertmanagerPayload, mapping: SeverityMapping): AlertInput[] {
  const map = { ...DEFAULT_SEVERITY_MAP, ...lowerKeys(mapping.severityMap) };
  return payload.alerts.map((alert) => {
    const { labels, annotations } = alert;
    const declared = labels.severity?.toLowerCase();
    const title = annotations.summary ?? annotations.title ?? labels.alertname ?? 'Alertmanager alert';
    const body = annotations.description ?? annotations.message;
    const service = labels.service ?? labels.job;
    return {
      severity: (declared && map[declared]) || mapping.defaultSeverity,
      title: title.slice(0, 1_000),
      ...(body ? { body: body.slice(0, 100_000) } : {}),
      ...(service ? { service: service.slice(0, 200) } : {}),
      labels,
      dedupKey: alert.fingerprint,
      status: alert.status,
      source: 'alertmanager',
      ...(isHttpUrl(alert.generatorURL) ? { link: alert.generatorURL } : {}),
    };
  });
}

function lowerKeys(map: Record<string, Severity>): Record<string, Severity> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
}

function isHttpUrl(value: string | undefined): value is string {
  return value !== undefined && /^https?:\/\//.test(value);
}
