import { Marked, type Tokens } from 'marked';
import { escapeHtml, raw, type SafeHtml } from './html.js';

/**
 * A report's Markdown as HTML. Reports quote alert titles and bodies that anyone who can post an alert
 * wrote, so the text is escaped before Markdown reads it (no HTML of its own gets through), links
 * are kept only for http(s) addresses, and images are shown as their alt text.
 */
const markdown = new Marked({
  gfm: true,
  renderer: {
    link(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens);
      return /^https?:\/\//i.test(token.href) ? `<a href="${escapeHtml(token.href)}" rel="noreferrer">${text}</a>` : text;
    },
    image(token: Tokens.Image): string {
      return escapeHtml(token.text);
    },
  },
});

/** `&`, `<` and `>` as entities: no tag can start, and Markdown's own syntax (backticks, quotes) stays. */
const markupOf = (text: string) => text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

export function reportHtml(text: string): SafeHtml {
  return raw(markdown.parse(markupOf(text), { async: false }));
}
