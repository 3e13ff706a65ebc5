import {
  andMore,
  fitText,
  joinLinesThatFit,
  type Piece,
  renderLinesUntilPast,
  singleLine,
  type TextStyle,
} from './text.js';

/** Longest one `key=value` label line may be. */
const LABEL_LINE_MAX = 256;
/** Longest URL we put in a message; longer ones are left out rather than cut. */
const URL_MAX = 2048;

/** `key=value` lines, sorted by key so the same labels always render the same way. */
export function labelLines(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${singleLine(key)}=${singleLine(value)}`);
}

/**
 * As many labels as fit in `budget`, one per line, each passed through `decorate`
 * (e.g. wrapped in `<code>`), then `… and N more`.
 */
export function renderLabelLines(
  labels: Readonly<Record<string, string>>,
  budget: number,
  style: TextStyle,
  decorate: (label: Piece) => Piece = (label) => label,
): Piece {
  const all = labelLines(labels);
  const lines = renderLinesUntilPast(all, budget, (line) => decorate(fitText(line, LABEL_LINE_MAX, style)));
  return joinLinesThatFit(lines, budget, andMore, all.length);
}

/** The URL when it is an absolute http(s) URL of sensible length, otherwise null. */
export function httpUrlOrNull(candidate: string | null | undefined): string | null {
  if (!candidate || candidate.length > URL_MAX) return null;
  try {
    const url = new URL(candidate.trim());
    const isHttp = url.protocol === 'http:' || url.protocol === 'https:';
    return isHttp && url.href.length <= URL_MAX ? url.href : null;
  } catch {
    return null;
  }
}

/** `2024-05-01 03:12:45 UTC` */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Non-empty one-line text, or null when there is nothing to show. */
export function oneLineOrNull(text: string | null | undefined): string | null {
  const line = text == null ? '' : singleLine(text);
  return line === '' ? null : line;
}
