import { defineCommand, privateReply } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';

export default defineCommand({
  name: 'restart',
  description: 'Restart a supervised service',
  role: 'operator',
  options: { service: textOption(true, 'The service, as named in the config', false, 100) },
  handle(_ctx, { service }) {
    return privateReply(
      `No service named ${JSON.stringify(service)} is configured, so there is nothing to restart. opsbot supervises no services yet.`,
    );
  },
});
