import { defineCommand } from '../src/chat/command.js';
import { subscriptionOf } from '../src/routing/subscriptions.js';
import { describeSubscription } from '../src/operations/wording.js';
import { publicReply } from '../src/shared/chat.js';

export default defineCommand({
  name: 'subscriptions',
  description: "Show this chat's subscription",
  role: 'viewer',
  options: {},
  async handle({ services, invoker }) {
    const row = await subscriptionOf(services.store, invoker.platform, invoker.chatId);
    return publicReply(
      row
        ? `This chat gets ${describeSubscription(row)} (set by ${row.createdBy} on ${row.createdAt.toISOString().slice(0, 16).replace('T', ' ')} UTC).`
        : 'This chat has no subscription; it gets only what the configured routes send here. /subscribe opts in.',
    );
  },
});
