import { z } from 'zod';
import type { AlertmanagerPayload } from './alertmanager.js';

/**
 * What Prometheus posts to an Alertmanager (`POST /api/v2/alerts`, its `alerting.alertmanagers`): a
 * list of alerts, each its label set, annotations, times and the link to its rule. No status: an
 * `endsAt` that has passed means resolved. Fields a newer Prometheus adds are ignored.
 */
export const prometheusAlertsSchema = z
  .array(
    z.object({
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()).default({}),
      startsAt: z.string().optional(),
      endsAt: z.string().optional(),
      generatorURL: z.string().optional(),
    }),
  )
  .min(1);

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const SEPARATOR = 0xff;
const MASK = (1n << 64n) - 1n;

/**
 * An alert's identity as Alertmanager computes it (Prometheus's `LabelSet.Fingerprint`: FNV-1a 64
 * over the label names in order, each name and value followed by the byte 0xff, printed as 16 hex
 * digits), so the same alert sent straight from Prometheus or through Alertmanager's webhook has the
 * same dedup key.
 */
export function labelsFingerprint(labels: Record<string, string>): string {
  let hash = FNV_OFFSET;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of Buffer.from(name, 'utf8')) add(byte);
    add(SEPARATOR);
    for (const byte of Buffer.from(labels[name]!, 'utf8')) add(byte);
    add(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}

/** Prometheus's alerts as an Alertmanager webhook would carry them, for the same mapping to opsbot alerts. */
export function prometheusToWebhook(alerts: z.infer<typeof prometheusAlertsSchema>, now = Date.now()): AlertmanagerPayload {
  return {
    alerts: alerts.map((alert) => {
      const ends = alert.endsAt === undefined ? Number.NaN : Date.parse(alert.endsAt);
      return {
        status: Number.isFinite(ends) && ends <= now ? 'resolved' : 'firing',
        labels: alert.labels,
        annotations: alert.annotations,
        ...(alert.startsAt !== undefined ? { startsAt: alert.startsAt } : {}),
        ...(alert.endsAt !== undefined ? { endsAt: alert.endsAt } : {}),
        ...(alert.generatorURL !== undefined ? { generatorURL: alert.generatorURL } : {}),
        fingerprint: labelsFingerprint(alert.labels),
      };
    }),
  };
}
