/**
 * Telegram's `parse_mode: 'HTML'`, modelled on tdlib's `parse_html` (the code the Bot API
 * server runs): the same tag set, the same error wording, byte offsets in UTF-8 and entity
 * offsets in UTF-16 code units.
 */

export interface TgEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type HtmlParseResult = { ok: true; text: string; entities: TgEntity[] } | { ok: false; reason: string };

export interface HtmlParseOptions {
  /**
   * `true` (default): an unknown named entity such as `&nbsp;` or `&apos;` is an error, so a
   * renderer bug fails loudly. `false`: behave like real Telegram, which keeps it as literal text.
   */
  strictEntities?: boolean;
}

const SIMPLE_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
};
const SUPPORTED_TAGS = new Set([...Object.keys(SIMPLE_TAGS), 'a', 'code', 'pre', 'tg-emoji', 'blockquote']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  argument: string;
  offset: number;
}

class HtmlSyntaxError extends Error {}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '';
const isAlpha = (c: string): boolean => /^[A-Za-z]$/.test(c);

/** Parses Telegram HTML into visible text and entities, or explains why Telegram would refuse it. */
export function parseTelegramHtml(html: string, options: HtmlParseOptions = {}): HtmlParseResult {
  try {
    return { ok: true, ...new HtmlParser(html, options.strictEntities ?? true).parse() };
  } catch (error) {
    if (error instanceof HtmlSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

class HtmlParser {
  private i = 0;
  private out = '';
  private readonly open: OpenTag[] = [];
  private readonly entities: TgEntity[] = [];

  constructor(
    private readonly html: string,
    private readonly strictEntities: boolean,
  ) {}

  parse(): { text: string; entities: TgEntity[] } {
    const { html } = this;
    while (this.i < html.length) {
      const c = html[this.i] ?? '';
      if (c === '&') {
        const decoded = this.decodeEntity(this.i);
        if (decoded) {
          this.out += decoded.char;
          this.i = decoded.next;
          continue;
        }
      }
      if (c !== '<') {
        this.out += c;
        this.i++;
        continue;
      }
      if (this.ch(this.i + 1) === '/') this.closeTag();
      else this.openTag();
    }
    const unclosed = this.open[this.open.length - 1];
    if (unclosed) throw new HtmlSyntaxError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    if (/[\uD800-\uDFFF]/u.test(this.out.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))) {
      throw new HtmlSyntaxError(
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
      );
    }
    for (const entity of this.entities) if (entity.type === 'code') delete entity.language;
    return { text: this.out, entities: this.entities.sort((a, b) => a.offset - b.offset) };
  }

  private ch(index: number): string {
    return this.html[index] ?? '';
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.html.slice(0, index), 'utf8');
  }

  private fail(reason: string, at: number): never {
    throw new HtmlSyntaxError(`${reason} at byte offset ${this.byteOffset(at)}`);
  }

  private skipSpaces(): void {
    while (this.i < this.html.length && isSpace(this.ch(this.i))) this.i++;
  }

  private decodeEntity(at: number): { char: string; next: number } | undefined {
    const { html } = this;
    let end = at + 1;
    let code = 0;
    if (html[end] === '#') {
      end++;
      const hex = html[end] === 'x';
      if (hex) end++;
      const digits = hex ? /^[0-9A-Fa-f]*/ : /^[0-9]*/;
      const run = digits.exec(html.slice(end, end + 12))?.[0] ?? '';
      end += run.length;
      code = run ? Number.parseInt(run, hex ? 16 : 10) : 0;
      if (code === 0 || code >= 0x10ffff || end - at >= 10) return undefined;
    } else {
      while (isAlpha(this.ch(end))) end++;
      const name = html.slice(at + 1, end);
      const char = NAMED_ENTITIES[name];
      if (char === undefined) {
        if (this.strictEntities && name && html[end] === ';') {
          throw new HtmlSyntaxError(
            `Unsupported HTML entity "&${name};" at byte offset ${this.byteOffset(at)} (strict fake: real Telegram ` +
              'shows it literally; only &lt; &gt; &amp; &quot; and numeric entities are decoded)',
          );
        }
        return undefined;
      }
      code = char.charCodeAt(0);
    }
    if (html[end] === ';') end++;
    return { char: String.fromCodePoint(code), next: end };
  }

  private openTag(): void {
    const begin = this.i;
    this.i++;
    while (!isSpace(this.ch(this.i)) && this.ch(this.i) !== '>') this.i++;
    if (this.i >= this.html.length) this.fail('Unclosed start tag', begin);
    const name = this.html.slice(begin + 1, this.i).toLowerCase();
    if (!SUPPORTED_TAGS.has(name)) this.fail(`Unsupported start tag "${name}"`, begin);
    let argument = '';
    while (this.ch(this.i) !== '>') {
      this.skipSpaces();
      if (this.i >= this.html.length) this.fail('Unclosed start tag', begin);
      if (this.ch(this.i) === '>') break;
      const attribute = this.readAttribute(name, begin);
      argument = tagArgument(name, attribute.name, attribute.value) ?? argument;
    }
    this.i++;
    if (name === 'span' && argument !== 'spoiler') this.fail('Tag "span" must have class "tg-spoiler"', begin);
    this.open.push({ name, argument, offset: this.out.length });
  }

  private readAttribute(tag: string, tagBegin: number): { name: string; value: string } {
    const nameBegin = this.i;
    while (!isSpace(this.ch(this.i)) && this.ch(this.i) !== '=' && this.ch(this.i) !== '>') this.i++;
    const name = this.html.slice(nameBegin, this.i);
    if (!name) this.fail(`Empty attribute name in the tag "${tag}"`, tagBegin);
    this.skipSpaces();
    if (this.ch(this.i) !== '=') {
      if (tag === 'blockquote' && name === 'expandable') return { name, value: '' };
      this.fail(`Expected equal sign in declaration of an attribute of the tag "${tag}"`, tagBegin);
    }
    this.i++;
    this.skipSpaces();
    if (this.i >= this.html.length) this.fail(`Unclosed start tag "${tag}"`, tagBegin);
    const quote = this.ch(this.i);
    if (quote !== '"' && quote !== "'") {
      const tokenBegin = this.i;
      while (/^[A-Za-z0-9.-]$/.test(this.ch(this.i))) this.i++;
      const value = this.html.slice(tokenBegin, this.i).toLowerCase();
      if (!isSpace(this.ch(this.i)) && this.ch(this.i) !== '>') this.fail('Unexpected end of name token', tokenBegin);
      if (this.i >= this.html.length) this.fail('Unclosed start tag', tagBegin);
      return { name, value };
    }
    this.i++;
    let value = '';
    while (this.i < this.html.length && this.ch(this.i) !== quote) {
      const decoded = this.ch(this.i) === '&' ? this.decodeEntity(this.i) : undefined;
      if (decoded) {
        value += decoded.char;
        this.i = decoded.next;
      } else {
        value += this.ch(this.i);
        this.i++;
      }
    }
    if (this.i >= this.html.length) this.fail('Unclosed start tag', tagBegin);
    this.i++;
    return { name, value };
  }

  private closeTag(): void {
    const begin = this.i;
    const top = this.open[this.open.length - 1];
    if (!top) this.fail('Unexpected end tag', begin);
    this.i += 2;
    const nameBegin = this.i;
    while (this.i < this.html.length && !isSpace(this.ch(this.i)) && this.ch(this.i) !== '>') this.i++;
    const name = this.html.slice(nameBegin, this.i).toLowerCase();
    this.skipSpaces();
    if (this.ch(this.i) !== '>') this.fail('Unclosed end tag', begin);
    this.i++;
    if (name && name !== top.name) {
      const at = this.byteOffset(begin);
      throw new HtmlSyntaxError(`Unmatched end tag at byte offset ${at}, expected "</${top.name}>", found "</${name}>"`);
    }
    this.open.pop();
    if (this.out.length > top.offset) this.addEntity(top, this.out.length - top.offset);
  }

  private addEntity(tag: OpenTag, length: number): void {
    const { offset, argument } = tag;
    const simple = SIMPLE_TAGS[tag.name];
    if (simple) {
      this.entities.push({ type: simple, offset, length });
    } else if (tag.name === 'a') {
      this.entities.push({ type: 'text_link', offset, length, url: argument || this.out.slice(offset) });
    } else if (tag.name === 'tg-emoji') {
      this.entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: argument });
    } else if (tag.name === 'blockquote') {
      this.entities.push({ type: argument ? 'expandable_blockquote' : 'blockquote', offset, length });
    } else if (tag.name === 'code') {
      this.entities.push(argument ? { type: 'code', offset, length, language: argument } : { type: 'code', offset, length });
    } else {
      this.addPre(offset, length);
    }
  }

  /** `<pre><code class="language-x">…</code></pre>` becomes one `pre` entity with a language. */
  private addPre(offset: number, length: number): void {
    const last = this.entities[this.entities.length - 1];
    if (last?.type === 'code' && last.offset === offset && last.length === length && last.language) {
      last.type = 'pre';
      return;
    }
    this.entities.push({ type: 'pre', offset, length });
  }
}

function tagArgument(tag: string, attribute: string, value: string): string | undefined {
  if (tag === 'a' && attribute === 'href') return value;
  if (tag === 'code' && attribute === 'class' && value.startsWith('language-')) return value.slice('language-'.length);
  if (tag === 'span' && attribute === 'class' && value.startsWith('tg-')) return value.slice('tg-'.length);
  if (tag === 'tg-emoji' && attribute === 'emoji-id') return value;
  if (tag === 'blockquote' && attribute === 'expandable') return '1';
  return undefined;
}

/**
 * Telegram strips leading and trailing white space from a message; entities shift and shrink
 * with it, and an entity left empty disappears.
 */
export function trimMessage(text: string, entities: TgEntity[]): { text: string; entities: TgEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const kept: TgEntity[] = [];
  for (const entity of entities) {
    const start = Math.max(0, entity.offset - lead);
    const end = Math.min(trimmed.length, entity.offset + entity.length - lead);
    if (end > start) kept.push({ ...entity, offset: start, length: end - start });
  }
  return { text: trimmed, entities: kept };
}
