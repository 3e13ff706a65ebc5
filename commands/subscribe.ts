import { defineCommand, publicReply } from '../src/chat/command.js';
import { servicesOption, severityOption } from '../src/chat/options.js';
import { subscribe } from '../src/routing/subscriptions.js';
import { describeSubscription } from '../src/chat/subscription-text.js';

export default defineCommand({
  name: 'subscribe',
  description: 'Post alerts here: at least this severity (default WARN), optionally only these services',
  role: 'responder',
  options: {
    severity: severityOption(false, 'The least severity to post here (default WARN)'),
    services: servicesOption(false, 'Only these services (space-separated); all when left out'),
  },
  handle({ services: app, invoker, now }, { severity, services }) {
    const row = subscribe(
      app.db,
      {
        platform: invoker.platform,
        destination: invoker.chatId,
        minSeverity: severity ?? 'WARN',
        services: services ?? [],
        createdBy: invoker.userName,
      },
      now,
    );
    return publicReply(`Subscribed: this chat now gets ${describeSubscription(row)}. /unsubscribe stops it.`);
  },
});
