import { formatDuration } from '../time/duration.js';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `3,100`, `0.73`, `25`: grouped, at most two decimals. */
export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

/** `25 %` */
export function formatPercent(value: number): string {
  return `${NUMBER.format(value)} %`;
}

/** `10m`, `1h30m`; `0s` for nothing. */
export function formatSpan(ms: number): string {
  return ms <= 0 ? '0s' : formatDuration(ms);
}
