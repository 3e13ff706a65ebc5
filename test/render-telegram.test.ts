import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  renderTelegramAlert,
  renderTelegramResolvedReply,
  renderTelegramSummary,
  type TelegramText,
} from '../src/platforms/telegram/render.js';
import type { AlertView, Severity, SummaryItem } from '../src/shared/types.js';
import { hasLoneSurrogate, hostileAlertOf, makeAlert, MARKER, repeatToLength, stormItems, summaryItem, summaryOf } from './helpers/render-fixtures.js';

const LIMIT = 4096;
const HOSTILE_UNIT = '<b>&**__`|| ``` &amp; @everyone <@123> <@&1> 😀 </b><a href="x">"q"</a> 𝕏';

const hostile = (length: number) => repeatToLength(HOSTILE_UNIT, length);
const hostileAlert = (length: number): AlertView => hostileAlertOf(hostile(length));

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const HTML_TOKEN = /<(\/?)(b|i|code|a)((?:\s+href="[^"<>]*")?)>|&(lt|gt|amp|quot);|([<>&])|([^<>&]+)/g;

/**
 * What a Telegram user sees: tags removed and entities decoded, as Telegram's HTML
 * parser does. Fails on unbalanced tags and on any `<`, `>` or `&` that is neither
 * one of our tags nor an entity (i.e. user text that was not escaped).
 */
function visibleText(html: string): string {
  const open: string[] = [];
  let visible = '';
  for (const [, closing, tag, href, entity, bare, text] of html.matchAll(HTML_TOKEN)) {
    if (tag !== undefined) {
      if (closing) expect(open.pop(), `closing </${tag}>`).toBe(tag);
      else {
        expect(href === '' || tag === 'a', `<${tag}> with attributes`).toBe(true);
        open.push(tag);
      }
    } else if (entity !== undefined) visible += ENTITIES[entity];
    else if (bare !== undefined) throw new Error(`unescaped ${bare} in ${html.slice(0, 200)}`);
    else visible += text;
  }
  expect(open, 'tags left open').toEqual([]);
  return visible;
}

/** Within Telegram's limit, balanced, fully escaped, no broken characters; returns what the user sees. */
function expectValidMessage(message: TelegramText): string {
  expect(message.parse_mode).toBe('HTML');
  const visible = visibleText(message.text);
  expect(visible.length).toBeLessThanOrEqual(LIMIT);
  expect(hasLoneSurrogate(message.text)).toBe(false);
  return visible;
}

describe('escapeHtml', () => {
  it('escapes the characters Telegram HTML treats specially', () => {
    expect(escapeHtml(`<b>"x" & y</b>`)).toBe('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;');
  });
});

describe('renderTelegramAlert', () => {
  it('renders header, body, facts, links and footer', () => {
    const message = renderTelegramAlert(makeAlert({ labels: { env: 'prod', region: 'eu-1' } }), {
      dashboardUrl: 'https://ops.example.com/alerts/42?a=1&b=2',
    });
    expect(message.text).toBe(
      [
        '<b>🔴 CRIT</b> <b>Disk full</b>',
        '',
        'The disk on db-1 is 99% full.',
        '',
        'Service: <b>db-1</b>',
        'Labels:',
        '<code>env=prod</code>',
        '<code>region=eu-1</code>',
        '',
        '<a href="https://grafana.example.com/d/disk">Open link</a> · ' +
          '<a href="https://ops.example.com/alerts/42?a=1&amp;b=2">Open in dashboard</a>',
        '',
        '<i>alert #42 · prometheus</i>',
      ].join('\n'),
    );
    expectValidMessage(message);
  });

  it('makes the severity readable without colour', () => {
    const headers = (['CRIT', 'WARN', 'INFO'] as Severity[]).map(
      (severity) => visibleText(renderTelegramAlert(makeAlert({ severity })).text).split('\n')[0],
    );
    expect(headers).toEqual(['🔴 CRIT Disk full', '🟠 WARN Disk full', '🔵 INFO Disk full']);
  });

  it('shows repeat count with last seen, who acked, and when it resolved', () => {
    const alert = makeAlert({
      count: 3,
      ackedBy: 'alice',
      ackedAt: new Date('2024-05-01T03:05:00Z'),
      status: 'resolved',
      resolvedAt: new Date('2024-05-01T04:00:00Z'),
    });
    const visible = expectValidMessage(renderTelegramAlert(alert));
    expect(visible.split('\n')[0]).toBe('✅ RESOLVED · CRIT Disk full');
    expect(visible).toContain('Count: 3× · last seen 2024-05-01 03:10:00 UTC');
    expect(visible).toContain('Acked by alice at 2024-05-01 03:05:00 UTC');
    expect(visible).toContain('Resolved at 2024-05-01 04:00:00 UTC');
    expect(expectValidMessage(renderTelegramAlert(makeAlert()))).not.toMatch(/Count|Acked|Resolved/);
  });

  it('links only http(s) URLs and escapes the href', () => {
    for (const link of ['javascript:alert(1)', 'ftp://files/x', 'not a url']) {
      expect(renderTelegramAlert(makeAlert({ link })).text).not.toContain('<a ');
    }
    const text = renderTelegramAlert(makeAlert({ link: 'https://x.example/?q="a"&b=<c>' })).text;
    expect(text).toContain('<a href="https://x.example/?q=%22a%22&amp;b=%3Cc%3E">Open link</a>');
  });

  it('shows user text exactly as typed, never as markup', () => {
    const title = '<b>bold</b> & <i>x</i> "q" @everyone <@123>';
    const message = renderTelegramAlert(makeAlert({ title, body: title, service: title, ackedBy: title }));
    const visible = expectValidMessage(message);
    expect(visible.split('\n')[0]).toBe(`🔴 CRIT ${title}`);
    expect(visible).toContain(`\n${title}\n`);
    expect(message.text).not.toContain('<b>bold</b>');
    expect(message.text).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;x&lt;/i&gt; &quot;q&quot;');
  });

  it('stays within 4096 visible characters for 10,000 characters of hostile text everywhere and 300 labels', () => {
    for (const length of [10_000, 4096, 4095, 1024, 257, 256, 255]) {
      const alert = hostileAlert(length);
      const visible = expectValidMessage(renderTelegramAlert(alert, { dashboardUrl: 'https://ops.example.com/a' }));
      expect(visible).toContain(hostile(40));
    }
  });

  it('truncates a long body on the plain text with a visible marker', () => {
    const body = hostile(10_000);
    const message = renderTelegramAlert(makeAlert({ body }));
    const visible = expectValidMessage(message);
    const shownBody = visible.split('\n\n')[1] ?? '';
    expect(shownBody.endsWith(MARKER)).toBe(true);
    expect(shownBody.length).toBeGreaterThan(3500);
    expect(body.startsWith(shownBody.slice(0, -MARKER.length))).toBe(true);
  });

  it('never cuts a surrogate pair, wherever the cut falls', () => {
    for (let offset = 0; offset < 4; offset++) {
      const message = renderTelegramAlert(
        makeAlert({ body: 'a'.repeat(offset) + '😀'.repeat(5000), title: 'x'.repeat(offset) + '𝕏'.repeat(300) }),
      );
      const visible = expectValidMessage(message);
      expect(visible).toContain(`😀${MARKER}`);
      expect(visible).toContain(`𝕏${MARKER}`);
    }
  });

  it('shows as many of 300 labels as fit, then says how many more there are', () => {
    const labels = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`label${String(i).padStart(3, '0')}`, `v${i}`]));
    const message = renderTelegramAlert(makeAlert({ labels }));
    expect(message.text).toContain('Labels:\n<code>label000=v0</code>\n<code>label001=v1</code>\n');
    const visible = expectValidMessage(message);
    const shownLabels = visible.split('\n').filter((line) => /^label\d{3}=/.test(line)).length;
    const more = /\n… and (\d+) more\n/.exec(visible);
    expect(shownLabels).toBeGreaterThan(10);
    expect(shownLabels + Number(more?.[1])).toBe(300);
  });
});

describe('renderTelegramResolvedReply', () => {
  it('says which alert resolved', () => {
    expect(renderTelegramResolvedReply(makeAlert({ status: 'resolved' }))).toEqual({
      text: '✅ <b>Resolved:</b> Disk full (alert #42)',
      parse_mode: 'HTML',
    });
  });

  it('escapes and shortens hostile titles', () => {
    const visible = expectValidMessage(renderTelegramResolvedReply(makeAlert({ title: hostile(10_000) })));
    expect(visible.startsWith(`✅ Resolved: ${hostile(40)}`)).toBe(true);
    expect(visible.endsWith(`${MARKER} (alert #42)`)).toBe(true);
  });
});

describe('renderTelegramSummary', () => {
  it('shows counts CRIT first, titles CRIT first, and every id as ranges', () => {
    const items: SummaryItem[] = [
      summaryItem({ id: 5, severity: 'INFO', title: 'queue <slow>', service: 'mq' }),
      summaryItem({ id: 2, severity: 'WARN', title: 'cpu high', service: null }),
      summaryItem({ id: 1, severity: 'CRIT', title: 'db down', service: 'db-1' }),
      summaryItem({ id: 3, severity: 'CRIT', title: 'api 5xx', service: 'api' }),
    ];
    const message = renderTelegramSummary(summaryOf(items));
    expect(expectValidMessage(message)).toBe(
      [
        '⚠️ Storm summary · 4 alerts',
        '',
        '🔴 CRIT 2 · 🟠 WARN 1 · 🔵 INFO 1',
        '',
        '#1 [CRIT] db down (db-1)\n#3 [CRIT] api 5xx (api)\n#2 [WARN] cpu high\n#5 [INFO] queue <slow> (mq)',
        '',
        'IDs: #1–#3, #5',
        '',
        'summary #9',
      ].join('\n'),
    );
    expect(message.text.startsWith('<b>⚠️ Storm summary · 4 alerts</b>')).toBe(true);
  });

  it('marks what changed since it was posted: resolved, acknowledged, fired again', () => {
    const items: SummaryItem[] = [
      summaryItem({ id: 1, severity: 'CRIT', title: 'db down', service: 'db-1', status: 'resolved', count: 3 }),
      summaryItem({ id: 2, severity: 'WARN', title: 'cpu high', service: null, ackedAt: new Date() }),
      summaryItem({ id: 3, severity: 'INFO', title: 'queue slow', service: 'mq' }),
    ];
    const shown = expectValidMessage(renderTelegramSummary(summaryOf(items)));
    expect(shown).toContain('🔴 CRIT 1 · 🟠 WARN 1 · 🔵 INFO 1 · ✅ 1 resolved · 👀 1 acked');
    expect(shown).toContain('✅ #1 [CRIT ×3] db down (db-1)\n👀 #2 [WARN] cpu high\n#3 [INFO] queue slow (mq)');
  });

  it('lists all ids of a 5,000-alert storm as one range and counts the titles left out', () => {
    const visible = expectValidMessage(renderTelegramSummary(summaryOf(stormItems(5000, (i) => 1000 + i, (i) => `alert ${i}`))));
    expect(visible).toContain('🔴 CRIT 1250 · 🟠 WARN 2500 · 🔵 INFO 1250');
    expect(visible).toContain('IDs: #1000–#5999');
    const listed = visible.split('\n').filter((line) => /^#\d+ \[/.test(line));
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.every((line) => line.includes('[CRIT]'))).toBe(true);
    expect(visible).toContain(`… and ${5000 - listed.length} more`);
  });

  it('with 5,000 scattered ids and hostile titles, lists the ranges that fit and counts the ids omitted', () => {
    const message = renderTelegramSummary(summaryOf(stormItems(5000, (i) => i * 3, () => hostile(10_000))));
    const visible = expectValidMessage(message);
    expect(visible).toContain(`[CRIT] ${hostile(40)}`);
    const idsLine = visible.split('\n').find((line) => line.startsWith('IDs: ')) ?? '';
    const omitted = /… \((\d+) ids omitted\)$/.exec(idsLine);
    const shownIds = idsLine.match(/#\d+/g)?.length ?? 0;
    expect(shownIds).toBeGreaterThan(100);
    expect(shownIds + Number(omitted?.[1])).toBe(5000);
  });
});
