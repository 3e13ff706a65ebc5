import { defineCommand } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';
import heal from './heal.js';

export default defineCommand({
  name: 'restart',
  description: 'Restart a service opsbot supervises (same as /heal <service> restart)',
  role: 'operator',
  options: { service: textOption(true, 'The service, as named in the config', false, 100) },
  handle(ctx, { service }) {
    return heal.handle(ctx, { service, action: 'restart' });
  },
});
