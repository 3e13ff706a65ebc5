import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertAcceptor } from '../src/alerts/accept.js';
import { alertInputSchema } from '../src/alerts/input.js';
import { getAlertDetail } from '../src/alerts/query.js';
import { parseConfigText } from '../src/config/load.js';
import { alertPageBody } from '../src/dashboard/sections/alert-page.js';
import { DeliveryStore } from '../src/delivery/store.js';
import { messageLinkOf } from '../src/platforms/settings.js';
import { freshStore, type FreshStore } from './helpers/stores.js';

describe('links to posted messages', () => {
  it('Discord links a message when DISCORD_GUILD_ID names the guild; Telegram links those of supergroups and channels', () => {
    expect(messageLinkOf('discord', '100', '555', { DISCORD_GUILD_ID: '900' })).toBe('https://discord.com/channels/900/100/555');
    expect(messageLinkOf('discord', '100', '555', {})).toBeNull();
    expect(messageLinkOf('telegram', '-1001234567890', '42', {})).toBe('https://t.me/c/1234567890/42');
    expect(messageLinkOf('telegram', '-200', '42', {})).toBeNull();
    expect(messageLinkOf('telegram', '12345', '42', {})).toBeNull();
  });

  describe('on the alert page', () => {
    let fresh: FreshStore;
    beforeAll(async () => {
      fresh = await freshStore('sqlite', 'links');
    });
    afterAll(async () => {
      await fresh?.dispose();
    });

    it('each posted delivery’s message id links to the message where the platform has a link', async () => {
      const config = parseConfigText('defaultRoute: { discord: ["100"], telegram: ["-1001234567890", "-200"] }\n', 'test.yaml');
      const accepted = await new AlertAcceptor(fresh.store).accept(config, [alertInputSchema.parse({ severity: 'WARN', title: 'linked' })]);
      const deliveries = new DeliveryStore(fresh.store);
      for (const [i, work] of accepted.work.entries()) await deliveries.markSent(work.deliveryId, `m${i}`, { revision: 1, status: 'firing' });
      const detail = (await getAlertDetail(fresh.store, accepted.results[0]!.id!))!;
      const page = String(alertPageBody(detail, [], null, new Date(), (platform, destination, messageId) => messageLinkOf(platform, destination, messageId, { DISCORD_GUILD_ID: '900' })));
      expect(page).toContain('<a href="https://discord.com/channels/900/100/m0" rel="noreferrer">m0</a>');
      expect(page).toContain('<a href="https://t.me/c/1234567890/m1" rel="noreferrer">m1</a>');
      expect(page).toMatch(/<td>m2<\/td>/);
    });
  });
});
