import { defineCommand, privateReply, publicReply } from '../src/chat/command.js';
import { unsubscribe } from '../src/routing/subscriptions.js';

export default defineCommand({
  name: 'unsubscribe',
  description: "Stop this chat's subscription (alerts routed here by the config keep coming)",
  role: 'responder',
  options: {},
  handle({ services, invoker }) {
    const removed = unsubscribe(services.db, invoker.platform, invoker.chatId);
    return removed
      ? publicReply(`Unsubscribed by ${invoker.userName}: this chat gets no more alerts through a subscription.`)
      : privateReply('This chat has no subscription. /subscribe creates one.');
  },
});
