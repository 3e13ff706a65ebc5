import { defineCommand, replyTo } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';
import { heal } from '../src/operations/heal.js';

export default defineCommand({
  name: 'heal',
  description: "Run one of a service's configured heal actions (never a command line from chat)",
  role: 'operator',
  options: {
    service: textOption(true, 'The service, as named in the config', false, 100),
    action: textOption(false, 'The heal action by name (default: the service’s usual one)', false, 100),
  },
  async handle({ services, actor }, { service, action }) {
    return replyTo(await heal({ heal: services.heal, log: services.log }, service, action, actor));
  },
});
