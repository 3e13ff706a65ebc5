import { defineCommand, replyTo } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { resolve } from '../src/operations/resolve.js';

export default defineCommand({
  name: 'resolve',
  description: 'Mark an alert resolved by hand; a new firing later opens a new alert',
  role: 'responder',
  options: { alert: idOption(true, 'The alert number, as shown under the alert', 'alert') },
  async handle({ services, actor, now }, { alert }) {
    return replyTo(await resolve({ ...services, routing: services.config }, alert, actor, now));
  },
});
