import { EMPTY_PIECE, literal, type Piece } from './text.js';

export interface IdRange {
  first: number;
  last: number;
}

/** Sorted, de-duplicated ids folded into runs of consecutive ids: [1,2,3,5] → 1–3, 5. */
export function compressIdRanges(ids: readonly number[]): IdRange[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: IdRange[] = [];
  for (const id of sorted) {
    const current = ranges[ranges.length - 1];
    if (current && id === current.last + 1) current.last = id;
    else ranges.push({ first: id, last: id });
  }
  return ranges;
}

/** `#7` or `#1–#3` */
export function formatIdRange(range: IdRange): string {
  return range.first === range.last ? `#${range.first}` : `#${range.first}–#${range.last}`;
}

function rangeSize(range: IdRange): number {
  return range.last - range.first + 1;
}

/** `#1–#3, #5` */
export function formatIdRanges(ids: readonly number[]): string {
  return compressIdRanges(ids).map(formatIdRange).join(', ');
}

const IDS_LABEL = 'IDs: ';

function omittedNote(omittedIds: number): string {
  return `… (${omittedIds} ${omittedIds === 1 ? 'id' : 'ids'} omitted)`;
}

/**
 * `IDs: #101–#180, #190` listing every id; when that is longer than `budget`, as many
 * ranges as fit followed by `… (N ids omitted)`. Empty when there are no ids or not
 * even the label fits. Contains no character any platform treats specially.
 */
export function formatIdRangesWithin(ids: readonly number[], budget: number): Piece {
  const ranges = compressIdRanges(ids);
  if (ranges.length === 0) return EMPTY_PIECE;
  const full = IDS_LABEL + ranges.map(formatIdRange).join(', ');
  if (full.length <= budget) return literal(full);

  let remainingIds = ranges.reduce((sum, range) => sum + rangeSize(range), 0);
  const shown: string[] = [];
  let usedLength = IDS_LABEL.length;
  for (const range of ranges) {
    const text = formatIdRange(range);
    const afterThis = usedLength + text.length + ', '.length;
    if (afterThis + omittedNote(remainingIds - rangeSize(range)).length > budget) break;
    shown.push(text);
    usedLength = afterThis;
    remainingIds -= rangeSize(range);
  }
  const line = IDS_LABEL + [...shown, omittedNote(remainingIds)].join(', ');
  return line.length <= budget ? literal(line) : EMPTY_PIECE;
}
