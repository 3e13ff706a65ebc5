import { SEVERITIES, type Severity } from './types.js';

/** Severities in the order people read them: the most urgent first. */
export const SEVERITIES_CRIT_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  CRIT: '🔴',
  WARN: '🟠',
  INFO: '🔵',
};

export const RESOLVED_BADGE = '✅ RESOLVED';

/** `🔴 CRIT`: the severity stays readable without colour. */
export function severityBadge(severity: Severity): string {
  return `${SEVERITY_EMOJI[severity]} ${severity}`;
}

/** `🔴 CRIT` while firing, `✅ RESOLVED · CRIT` once resolved. */
export function alertBadge(alert: { severity: Severity; status: 'firing' | 'resolved' }): string {
  return alert.status === 'resolved' ? `${RESOLVED_BADGE} · ${alert.severity}` : severityBadge(alert.severity);
}

function urgencyRank(severity: Severity): number {
  return SEVERITIES_CRIT_FIRST.indexOf(severity);
}

/** CRIT before WARN before INFO; within one severity, lower id (older alert) first. */
export function sortCritFirst<T extends { severity: Severity; id: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => urgencyRank(a.severity) - urgencyRank(b.severity) || a.id - b.id);
}

export function countBySeverity(items: readonly { severity: Severity }[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { CRIT: 0, WARN: 0, INFO: 0 };
  for (const item of items) counts[item.severity] += 1;
  return counts;
}

/** `🔴 CRIT 12 · 🟠 WARN 40 · 🔵 INFO 3` (every severity, CRIT first, zeros included). */
export function formatSeverityCounts(counts: Record<Severity, number>): string {
  return SEVERITIES_CRIT_FIRST.map((severity) => `${severityBadge(severity)} ${counts[severity]}`).join(' · ');
}

export function highestSeverity(items: readonly { severity: Severity }[]): Severity | null {
  return SEVERITIES_CRIT_FIRST.find((severity) => items.some((item) => item.severity === severity)) ?? null;
}
