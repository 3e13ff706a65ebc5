import type { FastifyInstance } from 'fastify';
import type { Update } from 'telegraf/types';

/** What the webhook hands updates to. */
export interface WebhookReceiver {
  verifyWebhook(secretHeader: string | undefined): boolean;
  handleWebhookUpdate(update: Update): Promise<void>;
}

/**
 * The Telegram webhook: only requests carrying our secret token in
 * `X-Telegram-Bot-Api-Secret-Token` are handled; the API bearer token does not apply here.
 */
export function registerTelegramWebhook(app: FastifyInstance, chat: WebhookReceiver, path: string) {
  app.post(path, async (request, reply) => {
    const header = request.headers['x-telegram-bot-api-secret-token'];
    if (!chat.verifyWebhook(Array.isArray(header) ? header[0] : header)) {
      request.log.warn({ path }, 'telegram webhook call without the right secret token refused');
      return reply.code(401).send({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
    }
    const update = request.body as Update;
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
      return reply.code(400).send({ error: 'not a Telegram update: update_id missing' });
    }
    await chat.handleWebhookUpdate(update);
    return { ok: true };
  });
}
