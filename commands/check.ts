import { defineCommand, replyTo } from '../src/chat/command.js';
import { checkNow } from '../src/operations/check.js';

export default defineCommand({
  name: 'check',
  description: 'Run every probe, heartbeat check and trigger rule now and say what is wrong',
  role: 'operator',
  options: {},
  async handle({ services, actor, now }) {
    return replyTo(await checkNow({ manager: services.services, heal: services.heal, heartbeats: services.heartbeats, triggers: services.triggers }, actor, now));
  },
});
