import { defineCommand, privateReply } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';

export default defineCommand({
  name: 'heal',
  description: "Run one of a service's configured heal actions (never a command line from chat)",
  role: 'operator',
  options: {
    service: textOption(true, 'The service, as named in the config', false, 100),
    action: textOption(false, 'The heal action by name (default: restart)', false, 100),
  },
  handle(_ctx, { service, action }) {
    return privateReply(
      `No service named ${JSON.stringify(service)} is configured, so there is no action ${JSON.stringify(action ?? 'restart')} to run. ` +
        'opsbot supervises no services yet; only actions named in its config can ever run from chat.',
    );
  },
});
