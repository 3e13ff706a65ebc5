import type { AlertView, Severity, SummaryItem, SummaryView } from '../../src/shared/types.js';

export const MARKER = '… (truncated)';

/** `length` UTF-16 units of `unit` repeated: text meant to break markup, emoji and surrogate pairs everywhere. */
export function repeatToLength(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export function makeAlert(overrides: Partial<AlertView> = {}): AlertView {
  return {
    id: 42,
    severity: 'CRIT',
    title: 'Disk full',
    body: 'The disk on db-1 is 99% full.',
    service: 'db-1',
    labels: { env: 'prod' },
    source: 'prometheus',
    link: 'https://grafana.example.com/d/disk',
    status: 'firing',
    count: 1,
    firedAt: new Date('2024-05-01T03:00:00Z'),
    lastSeenAt: new Date('2024-05-01T03:10:00Z'),
    resolvedAt: null,
    ackedAt: null,
    ackedBy: null,
    ...overrides,
  };
}

/** An acked, resolved, repeated alert whose every text field (and 300 labels) is `text`. */
export function hostileAlertOf(text: string, overrides: Partial<AlertView> = {}): AlertView {
  const labels: Record<string, string> = {};
  for (let i = 0; i < 300; i++) labels[`k${String(i).padStart(3, '0')}${text.slice(0, 20)}`] = text.slice(0, 500);
  return makeAlert({
    title: text,
    body: text,
    service: text,
    labels,
    source: text,
    count: 7,
    ackedAt: new Date('2024-05-01T03:05:00Z'),
    ackedBy: text,
    status: 'resolved',
    resolvedAt: new Date('2024-05-01T04:00:00Z'),
    ...overrides,
  });
}

export function hasLoneSurrogate(text: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

export function summaryOf(items: SummaryItem[]): SummaryView {
  return { id: 9, items, createdAt: new Date('2024-05-01T05:00:00Z') };
}

/** A summary item as the store loads it: firing, fired once, not acknowledged unless `overrides` says so. */
export function summaryItem(item: Pick<SummaryItem, 'id' | 'severity' | 'title' | 'service'> & Partial<SummaryItem>): SummaryItem {
  return { status: 'firing', count: 1, ackedAt: null, ...item };
}

export function stormItems(count: number, idOf: (i: number) => number, title: (i: number) => string): SummaryItem[] {
  const severities: Severity[] = ['INFO', 'WARN', 'CRIT', 'WARN'];
  return Array.from({ length: count }, (_, i) =>
    summaryItem({
      id: idOf(i),
      severity: severities[i % severities.length] ?? 'INFO',
      title: title(i),
      service: i % 5 === 0 ? null : `svc-${i % 7}`,
    }),
  );
}
