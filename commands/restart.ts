import { defineCommand, replyTo } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';
import { restart } from '../src/operations/heal.js';

export default defineCommand({
  name: 'restart',
  description: 'Restart a service opsbot supervises (same as /heal <service> restart)',
  role: 'operator',
  options: { service: textOption(true, 'The service, as named in the config', false, 100) },
  async handle({ services, actor }, { service }) {
    return replyTo(await restart({ heal: services.heal, log: services.log }, service, actor));
  },
});
