import type { SummaryItem, SummaryView } from '../../shared/types.js';
import { formatIdRangesWithin } from './id-ranges.js';
import { countBySeverity, formatSeverityCounts, sortCritFirst } from '../../shared/severity.js';
import {
  andMore,
  EMPTY_PIECE,
  fitText,
  joinLinesThatFit,
  joinPieces,
  literal,
  renderLinesUntilPast,
  singleLineHead,
  type Piece,
  type TextStyle,
} from './text.js';

/** Longest one item line may be, so one huge title cannot crowd out the others. */
const ITEM_LINE_MAX = 200;
/** Room kept for titles before the id list takes the rest; the ids get priority beyond it. */
const TITLES_MIN_ROOM = 1200;
const SECTION_SEPARATOR = '\n\n';

/**
 * `⚠️ Storm summary · 5000 alerts`; for a route group `📦 alertname=DiskFull, cluster=eu · 3 alerts, 2 firing`,
 * and `✅ … · 3 alerts, all resolved` once none fires.
 */
export function summaryHeadline(summary: SummaryView): string {
  const count = summary.items.length;
  const alerts = `${count} ${count === 1 ? 'alert' : 'alerts'}`;
  if (!summary.group) return `⚠️ Storm summary · ${alerts}`;
  const labels = Object.entries(summary.group).map(([name, value]) => `${name}=${value || '""'}`).join(', ');
  const firing = summary.items.filter((item) => item.status === 'firing').length;
  return firing === 0 ? `✅ ${labels} · ${alerts}, all resolved` : `📦 ${labels} · ${alerts}, ${firing} firing`;
}

/** What changed since the alert went out in the summary, in front of its line: resolved, or acknowledged. */
function statusMark(item: SummaryItem): string {
  if (item.status === 'resolved') return '✅ ';
  return item.ackedAt !== null ? '👀 ' : '';
}

/**
 * `#12 [CRIT] disk full (db-1)`, as plain text (possibly cut: long enough to need truncation);
 * `✅ #12 [CRIT ×3] …` once it has fired three times and been resolved, `👀 #12 …` once acknowledged.
 */
export function summaryItemLine(item: SummaryItem): string {
  const title = singleLineHead(item.title, ITEM_LINE_MAX) || '(untitled)';
  const service = item.service === null ? '' : singleLineHead(item.service, ITEM_LINE_MAX);
  const count = item.count > 1 ? ` ×${item.count}` : '';
  return `${statusMark(item)}#${item.id} [${item.severity}${count}] ${title}${service ? ` (${service})` : ''}`;
}

/** `🔴 CRIT 2 · 🟠 WARN 1 · 🔵 INFO 0`, then `· ✅ 1 resolved · 👀 1 acked` when some are. */
function countLineOf(items: readonly SummaryItem[]): string {
  const resolved = items.filter((item) => item.status === 'resolved').length;
  const acked = items.filter((item) => item.status === 'firing' && item.ackedAt !== null).length;
  const changed = [resolved > 0 ? `✅ ${resolved} resolved` : '', acked > 0 ? `👀 ${acked} acked` : ''].filter(Boolean);
  return [formatSeverityCounts(countBySeverity(items)), ...changed].join(' · ');
}

function lengthOfAllLines(lines: readonly Piece[], cap: number): number {
  let total = 0;
  for (const line of lines) {
    total += line.length + 1;
    if (total >= cap) return cap;
  }
  return total;
}

/**
 * The body of a storm summary within `budget`: the count line by severity (CRIT
 * first), the titles that fit (CRIT, then WARN, then INFO) with `… and N more`, and
 * every id as compact ranges (as many as fit, the rest counted).
 */
export function renderSummaryBody(summary: SummaryView, budget: number, style: TextStyle): Piece {
  const countLine = literal(countLineOf(summary.items));
  if (summary.items.length === 0) return countLine.length <= budget ? countLine : EMPTY_PIECE;

  const afterCountLine = budget - countLine.length - 2 * SECTION_SEPARATOR.length;
  const itemLines = renderLinesUntilPast(sortCritFirst(summary.items), afterCountLine, (item) =>
    fitText(summaryItemLine(item), ITEM_LINE_MAX, style),
  );
  const titlesRoom = lengthOfAllLines(itemLines, TITLES_MIN_ROOM);
  const ids = formatIdRangesWithin(
    summary.items.map((item) => item.id),
    afterCountLine - titlesRoom,
  );
  const titles = joinLinesThatFit(itemLines, afterCountLine - ids.length, andMore, summary.items.length);
  const sections = [countLine, titles, ids].filter((section) => section.length > 0);
  return joinPieces(sections, SECTION_SEPARATOR);
}
