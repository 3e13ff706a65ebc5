import { defineCommand, replyTo } from '../src/chat/command.js';
import { servicesOption, severityOption } from '../src/chat/options.js';
import { subscribe } from '../src/operations/subscription.js';

export default defineCommand({
  name: 'subscribe',
  description: 'Post alerts here: at least this severity (default WARN), optionally only these services',
  role: 'responder',
  options: {
    severity: severityOption(false, 'The least severity to post here (default WARN)'),
    services: servicesOption(false, 'Only these services (space-separated); all when left out'),
  },
  async handle({ services: app, invoker, actor, now }, { severity, services }) {
    const request = { platform: invoker.platform, destination: invoker.chatId, minSeverity: severity ?? 'WARN', services: services ?? [] };
    return replyTo(await subscribe(app, request, actor, now));
  },
});
