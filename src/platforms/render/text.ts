/**
 * Length-aware text building shared by the renderers.
 *
 * Every length here is a JavaScript string length (UTF-16 code units), which is
 * what Discord and Telegram count against their limits.
 */

export const TRUNCATION_MARKER = '… (truncated)';

/** Output text of one platform plus the length that platform counts against its limits. */
export interface Piece {
  readonly out: string;
  readonly length: number;
}

/**
 * How one platform makes user text safe and how it counts it.
 * `countedLength(plain)` must be at least `plain.length` and must not shrink when
 * `plain` grows (escaping only ever adds characters).
 */
export interface TextStyle {
  escape(plain: string): string;
  countedLength(plain: string): number;
}

/** Text shown exactly as written (e.g. a Discord embed footer, where no markdown is parsed). */
export const PLAIN_TEXT: TextStyle = {
  escape: (plain) => plain,
  countedLength: (plain) => plain.length,
};

export const EMPTY_PIECE: Piece = { out: '', length: 0 };

/** Our own text with no character the platform treats specially. */
export function literal(text: string): Piece {
  return { out: text, length: text.length };
}

export function joinPieces(pieces: readonly Piece[], separator = ''): Piece {
  return {
    out: pieces.map((piece) => piece.out).join(separator),
    length: pieces.reduce((sum, piece) => sum + piece.length, 0) + separator.length * Math.max(0, pieces.length - 1),
  };
}

function isHighSurrogate(codeUnit: number): boolean {
  return codeUnit >= 0xd800 && codeUnit <= 0xdbff;
}

/** The first `maxUnits` code units of `text`, one fewer if that would split a surrogate pair. */
export function sliceWithoutSplittingPairs(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  if (maxUnits <= 0) return '';
  const end = isHighSurrogate(text.charCodeAt(maxUnits - 1)) ? maxUnits - 1 : maxUnits;
  return text.slice(0, end);
}

/** Line breaks and tabs become spaces, so a title or name stays on one line. */
export function singleLine(text: string): string {
  return text.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim();
}

/**
 * `singleLine(text)`, or a prefix of it longer than `atLeast` units, without
 * scanning all of a huge text (a storm summary may hold thousands of them).
 */
export function singleLineHead(text: string, atLeast: number): string {
  for (let scanned = Math.max(64, 2 * atLeast); ; scanned *= 2) {
    if (scanned >= text.length) return singleLine(text);
    const head = singleLine(text.slice(0, scanned));
    if (head.length > atLeast) return head;
  }
}

/** The longest prefix of `plain` whose escaped form counts at most `budget` (never splits a pair). */
function longestPrefixWithin(plain: string, budget: number, style: TextStyle): string {
  let fits = 0;
  let tooLong = Math.min(plain.length, budget) + 1;
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (style.countedLength(sliceWithoutSplittingPairs(plain, middle)) <= budget) fits = middle;
    else tooLong = middle;
  }
  return sliceWithoutSplittingPairs(plain, fits);
}

/**
 * User text escaped for the platform, counting at most `budget`. Text that is too
 * long is cut on the plain text (so no escape sequence or entity is ever split) and
 * ends with the visible marker `… (truncated)`, which counts inside the budget.
 */
export function fitText(plain: string, budget: number, style: TextStyle): Piece {
  if (budget <= 0) return EMPTY_PIECE;
  if (plain.length <= budget) {
    const length = style.countedLength(plain);
    if (length <= budget) return { out: style.escape(plain), length };
  }
  if (budget < TRUNCATION_MARKER.length) {
    const prefix = longestPrefixWithin(plain, budget, style);
    return { out: style.escape(prefix), length: style.countedLength(prefix) };
  }
  const prefix = longestPrefixWithin(plain, budget - TRUNCATION_MARKER.length, style).trimEnd();
  return {
    out: style.escape(prefix) + TRUNCATION_MARKER,
    length: style.countedLength(prefix) + TRUNCATION_MARKER.length,
  };
}

/**
 * As many lines as fit in `budget` (joined by newlines); when some are left out, a
 * last line from `describeOmitted(count)` says how many, and it fits too.
 * `totalCount` is how many lines there are in all when `lines` holds only the first ones.
 */
export function joinLinesThatFit(
  lines: readonly Piece[],
  budget: number,
  describeOmitted: (omitted: number) => Piece,
  totalCount = lines.length,
): Piece {
  const kept: Piece[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const separator = kept.length > 0 ? 1 : 0;
    const afterThis = used + separator + line.length;
    const isLast = index === totalCount - 1;
    const roomForOmitted = isLast ? 0 : 1 + describeOmitted(totalCount - index - 1).length;
    if (afterThis + roomForOmitted > budget) break;
    kept.push(line);
    used = afterThis;
  }
  const omitted = totalCount - kept.length;
  if (omitted > 0) {
    const note = describeOmitted(omitted);
    if (used + (kept.length > 0 ? 1 : 0) + note.length <= budget) kept.push(note);
  }
  return joinPieces(kept, '\n');
}

/**
 * Renders items in order only until their lines add up to more than `cap` units:
 * the lines after that could never fit, so a storm of thousands costs no more than a few.
 */
export function renderLinesUntilPast<T>(items: readonly T[], cap: number, render: (item: T) => Piece): Piece[] {
  const lines: Piece[] = [];
  let total = 0;
  for (const item of items) {
    if (total > cap) break;
    const line = render(item);
    lines.push(line);
    total += line.length + 1;
  }
  return lines;
}

/** `… and 12 more` */
export function andMore(omitted: number): Piece {
  return literal(`… and ${omitted} more`);
}
