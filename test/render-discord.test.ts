import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  renderDiscordAlert,
  renderDiscordResolvedReply,
  renderDiscordSummary,
} from '../src/platforms/discord/render.js';
import type { AlertView, Severity, SummaryItem } from '../src/shared/types.js';
import { hasLoneSurrogate, hostileAlertOf, makeAlert, MARKER, repeatToLength, stormItems, summaryItem, summaryOf } from './helpers/render-fixtures.js';

const HOSTILE_UNIT = '<b>&**__`|| ``` @everyone <@123> <@&1> 😀 ~~[x](https://evil) # > - 1. 𝕏';

const hostile = (length: number) => repeatToLength(HOSTILE_UNIT, length);
const hostileAlert = (length = 10_000): AlertView =>
  hostileAlertOf(hostile(length), { link: 'https://example.com/' + 'a'.repeat(100) });

/** Long enough that the 6000-character embed total, not the description limit, binds. */
const LONG_DASHBOARD_URL = `https://ops.example.com/${'x'.repeat(900)}`;

/** What Discord shows for escaped markdown: a backslash before punctuation is hidden. */
function shown(markdown: string): string {
  return markdown.replace(/\\([^\p{L}\p{N}\s])/gu, '$1');
}

/** Markdown characters of user text left unescaped (ignoring URLs and our own `<t:…>` timestamps). */
function unescapedMarkdown(markdown: string): string[] {
  const found: string[] = [];
  const withoutOurMarkup = markdown.replace(/https?:\/\/[^\s<>[\]`|*~\\]+|<t:\d+:[Rf]>/g, '');
  for (let i = 0; i < withoutOurMarkup.length; i++) {
    const character = withoutOurMarkup[i] ?? '';
    if (character === '\\') i++;
    else if ('*_`|~[]<'.includes(character)) found.push(character);
  }
  return found;
}

function onlyEmbed(message: RESTPostAPIChannelMessageJSONBody): APIEmbed {
  expect(message.embeds).toHaveLength(1);
  return message.embeds?.[0] ?? {};
}

function field(embed: APIEmbed, name: string): string | undefined {
  return embed.fields?.find((f) => f.name === name)?.value;
}

/** Every documented Discord limit, computed from the request body. */
function expectWithinDiscordLimits(message: RESTPostAPIChannelMessageJSONBody): void {
  expect(message.allowed_mentions).toEqual({ parse: [] });
  expect(message.content?.length ?? 0).toBeLessThanOrEqual(2000);
  let total = 0;
  for (const embed of message.embeds ?? []) {
    const fields = embed.fields ?? [];
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(fields.length).toBeLessThanOrEqual(25);
    for (const f of fields) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.trim().length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
    total += (embed.author?.name.length ?? 0) + fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(6000);
  expect(hasLoneSurrogate(JSON.stringify(message).replace(/\\u[dD][89a-fA-F][0-9a-fA-F]{2}/g, ''))).toBe(false);
  for (const text of allText(message)) expect(hasLoneSurrogate(text)).toBe(false);
}

function allText(message: RESTPostAPIChannelMessageJSONBody): string[] {
  return [
    message.content ?? '',
    ...(message.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      e.footer?.text ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ];
}

describe('renderDiscordAlert', () => {
  it('makes the severity readable without colour and colours by severity', () => {
    const titles = (['CRIT', 'WARN', 'INFO'] as Severity[]).map((severity) => onlyEmbed(renderDiscordAlert(makeAlert({ severity }))));
    expect(titles.map((e) => e.title)).toEqual(['🔴 CRIT · Disk full', '🟠 WARN · Disk full', '🔵 INFO · Disk full']);
    expect(new Set(titles.map((e) => e.color)).size).toBe(3);
  });

  it('shows body, service, labels, footer, timestamp and an http link', () => {
    const embed = onlyEmbed(renderDiscordAlert(makeAlert({ labels: { env: 'prod', region: 'eu-1' } })));
    expect(embed.description).toBe('The disk on db-1 is 99% full.');
    expect(field(embed, 'Service')).toBe('db-1');
    expect(field(embed, 'Labels')).toBe('env=prod\nregion=eu-1');
    expect(embed.footer?.text).toBe('opsbot · alert #42 · prometheus');
    expect(embed.timestamp).toBe('2024-05-01T03:00:00.000Z');
    expect(embed.url).toBe('https://grafana.example.com/d/disk');
    expect(field(embed, 'Count')).toBeUndefined();
    expect(field(embed, 'Acked by')).toBeUndefined();
  });

  it('puts a non-http link nowhere', () => {
    for (const link of ['javascript:alert(1)', 'ftp://files/x', 'not a url']) {
      const message = renderDiscordAlert(makeAlert({ link }));
      expect(onlyEmbed(message).url).toBeUndefined();
      expect(JSON.stringify(message)).not.toContain(link);
    }
  });

  it('shows repeat count with last seen, who acked, and resolution in green', () => {
    const acked = onlyEmbed(renderDiscordAlert(makeAlert({ count: 3, ackedBy: 'alice', ackedAt: new Date('2024-05-01T03:05:00Z') })));
    expect(field(acked, 'Count')).toBe(`3× · last seen <t:${Date.parse('2024-05-01T03:10:00Z') / 1000}:R>`);
    expect(field(acked, 'Acked by')).toContain('alice');

    const resolved = onlyEmbed(renderDiscordAlert(makeAlert({ status: 'resolved', resolvedAt: new Date('2024-05-01T04:00:00Z') })));
    expect(resolved.title).toBe('✅ RESOLVED · CRIT · Disk full');
    expect(resolved.color).not.toBe(acked.color);
    expect(field(resolved, 'Resolved at')).toBe(`<t:${Date.parse('2024-05-01T04:00:00Z') / 1000}:f>`);
  });

  it('links the dashboard when given an http(s) URL', () => {
    const embed = onlyEmbed(renderDiscordAlert(makeAlert(), { dashboardUrl: 'https://ops.example.com/alerts/42' }));
    expect(field(embed, 'Dashboard')).toBe('[Open in dashboard](https://ops.example.com/alerts/42)');
    for (const dashboardUrl of ['javascript:x', `https://ops.example.com/${'x'.repeat(2000)}`]) {
      const message = renderDiscordAlert(makeAlert(), { dashboardUrl });
      expectWithinDiscordLimits(message);
      expect(field(onlyEmbed(message), 'Dashboard')).toBeUndefined();
    }
  });

  it('escapes markdown and mentions in user text so it shows as typed and never pings', () => {
    const title = '**bold** __u__ `code` ||spoiler|| @everyone <@123> <@&1>';
    const message = renderDiscordAlert(makeAlert({ title, body: title, ackedBy: '<@123>', ackedAt: new Date() }));
    const embed = onlyEmbed(message);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(shown(embed.title ?? '')).toBe(`🔴 CRIT · ${title}`);
    expect(shown(embed.description ?? '')).toBe(title);
    expect(unescapedMarkdown(embed.title ?? '')).toEqual([]);
    expect(unescapedMarkdown(embed.description ?? '')).toEqual([]);
    expect(embed.description).not.toMatch(/(?<!\\)<@/);
    expect(field(embed, 'Acked by')).toMatch(/^\\<@123>/);
  });

  it('keeps URLs in the body linkable while escaping the markdown around them', () => {
    const embed = onlyEmbed(renderDiscordAlert(makeAlert({ body: 'see https://x.example/a_b?c=d_e for _details_' })));
    expect(embed.description).toBe('see https://x.example/a_b?c=d_e for \\_details\\_');
  });

  it('stays within every limit for 10,000 characters of hostile text in every field and 300 labels', () => {
    for (const length of [10_000, 4096, 4095, 1024, 1023, 257, 256, 255]) {
      const alert = hostileAlert(length);
      const message = renderDiscordAlert(alert, { dashboardUrl: LONG_DASHBOARD_URL });
      expectWithinDiscordLimits(message);
      const embed = onlyEmbed(message);
      const userFields = ['Service', 'Labels', 'Acked by'].map((name) => field(embed, name) ?? '');
      for (const text of [embed.title ?? '', embed.description ?? '', ...userFields]) {
        expect(unescapedMarkdown(text)).toEqual([]);
      }
    }
  });

  it('truncates a long body with a visible marker, keeping the start as the user wrote it', () => {
    const body = hostile(10_000);
    const embed = onlyEmbed(renderDiscordAlert(makeAlert({ body })));
    const description = embed.description ?? '';
    expect(description.endsWith(MARKER)).toBe(true);
    const visible = shown(description.slice(0, -MARKER.length));
    expect(visible.length).toBeGreaterThan(2000);
    expect(body.startsWith(visible)).toBe(true);
  });

  it('never cuts a surrogate pair, wherever the cut falls', () => {
    for (let offset = 0; offset < 4; offset++) {
      const body = 'a'.repeat(offset) + '😀'.repeat(5000);
      const message = renderDiscordAlert(makeAlert({ body, title: 'x'.repeat(offset) + '𝕏'.repeat(300) }));
      expectWithinDiscordLimits(message);
      expect(onlyEmbed(message).description?.endsWith(`😀${MARKER}`)).toBe(true);
    }
  });

  it('shows as many of 300 labels as fit, then says how many more there are', () => {
    const labels = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`label${String(i).padStart(3, '0')}`, `value-${i}`]));
    const value = field(onlyEmbed(renderDiscordAlert(makeAlert({ labels }))), 'Labels') ?? '';
    const lines = value.split('\n');
    const more = /^… and (\d+) more$/.exec(lines[lines.length - 1] ?? '');
    expect(more).not.toBeNull();
    expect(lines.length - 1 + Number(more?.[1])).toBe(300);
    expect(lines[0]).toBe('label000=value-0');
    expect(value.length).toBeLessThanOrEqual(1024);
  });
});

describe('renderDiscordResolvedReply', () => {
  it('replies to the alert message with a short resolved line', () => {
    const message = renderDiscordResolvedReply(makeAlert({ status: 'resolved' }), '123456789');
    expect(message).toEqual({
      content: '✅ Resolved: Disk full (alert #42)',
      message_reference: { message_id: '123456789', fail_if_not_exists: false },
      allowed_mentions: { parse: [] },
    });
  });

  it('stays within the content limit and never pings for hostile titles', () => {
    const message = renderDiscordResolvedReply(makeAlert({ title: hostile(10_000) }), '1');
    expectWithinDiscordLimits(message);
    expect(message.content).toMatch(/^✅ Resolved: .*… \(truncated\) \(alert #42\)$/s);
    expect(unescapedMarkdown(message.content ?? '')).toEqual([]);
  });
});

describe('renderDiscordSummary', () => {
  it('shows counts CRIT first, titles CRIT first, and every id as ranges', () => {
    const items: SummaryItem[] = [
      summaryItem({ id: 5, severity: 'INFO', title: 'queue slow', service: 'mq' }),
      summaryItem({ id: 2, severity: 'WARN', title: 'cpu high', service: null }),
      summaryItem({ id: 1, severity: 'CRIT', title: 'db down', service: 'db-1' }),
      summaryItem({ id: 3, severity: 'CRIT', title: 'api 5xx', service: 'api' }),
    ];
    const embed = onlyEmbed(renderDiscordSummary(summaryOf(items)));
    expect(embed.title).toBe('⚠️ Storm summary · 4 alerts');
    expect(embed.footer?.text).toBe('opsbot · summary #9');
    expect(shown(embed.description ?? '')).toBe(
      [
        '🔴 CRIT 2 · 🟠 WARN 1 · 🔵 INFO 1',
        '',
        '#1 [CRIT] db down (db-1)\n#3 [CRIT] api 5xx (api)\n#2 [WARN] cpu high\n#5 [INFO] queue slow (mq)',
        '',
        'IDs: #1–#3, #5',
      ].join('\n'),
    );
  });

  it('marks what changed since it was posted, and turns green once every alert in it is resolved', () => {
    const resolved = (id: number) => summaryItem({ id, severity: 'CRIT', title: `down ${id}`, service: null, status: 'resolved' });
    const embed = onlyEmbed(renderDiscordSummary(summaryOf([resolved(1), summaryItem({ id: 2, severity: 'WARN', title: 'cpu', service: null, ackedAt: new Date(), count: 2 })])));
    expect(shown(embed.description ?? '')).toContain('✅ #1 [CRIT] down 1\n👀 #2 [WARN ×2] cpu');
    expect(embed.color).toBe(0xf0a020);
    expect(onlyEmbed(renderDiscordSummary(summaryOf([resolved(1), resolved(2)]))).color).toBe(0x57f287);
  });

  it('lists all ids of a 5,000-alert storm as one range and counts the titles left out', () => {
    const message = renderDiscordSummary(summaryOf(stormItems(5000, (i) => 1000 + i, (i) => `alert number ${i}`)));
    expectWithinDiscordLimits(message);
    const description = shown(onlyEmbed(message).description ?? '');
    expect(description.split('\n')[0]).toBe('🔴 CRIT 1250 · 🟠 WARN 2500 · 🔵 INFO 1250');
    expect(description).toContain('IDs: #1000–#5999');
    const listed = description.split('\n').filter((line) => /^#\d+ \[/.test(line));
    expect(listed.length).toBeGreaterThan(10);
    expect(description).toContain(`… and ${5000 - listed.length} more`);
    const order = listed.map((line) => /\[(\w+)\]/.exec(line)?.[1]);
    expect(order.indexOf('WARN') === -1 || order.lastIndexOf('CRIT') < order.indexOf('WARN')).toBe(true);
  });

  it('with 5,000 scattered ids and hostile titles, lists the ranges that fit and counts the ids omitted', () => {
    const message = renderDiscordSummary(summaryOf(stormItems(5000, (i) => i * 3, () => hostile(10_000))));
    expectWithinDiscordLimits(message);
    const description = onlyEmbed(message).description ?? '';
    expect(unescapedMarkdown(description)).toEqual([]);
    const idsLine = description.split('\n').find((line) => line.startsWith('IDs: ')) ?? '';
    const omitted = /… \((\d+) ids omitted\)$/.exec(idsLine);
    expect(omitted).not.toBeNull();
    const shownIds = idsLine.match(/#\d+/g)?.length ?? 0;
    expect(shownIds).toBeGreaterThan(100);
    expect(shownIds + Number(omitted?.[1])).toBe(5000);
  });
});
