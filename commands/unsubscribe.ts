import { defineCommand, replyTo } from '../src/chat/command.js';
import { unsubscribe } from '../src/operations/subscription.js';

export default defineCommand({
  name: 'unsubscribe',
  description: "Stop this chat's subscription (alerts routed here by the config keep coming)",
  role: 'responder',
  options: {},
  async handle({ services, invoker, actor }) {
    return replyTo(await unsubscribe(services, { platform: invoker.platform, destination: invoker.chatId }, actor));
  },
});
