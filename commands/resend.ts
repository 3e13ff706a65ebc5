import { defineCommand, replyTo } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { resend } from '../src/operations/resend.js';

const DAY_MS = 86_400_000;

export default defineCommand({
  name: 'resend',
  description: 'Send failed deliveries again: one alert’s, or all of the last 24 h (what /status counts)',
  role: 'responder',
  options: { alert: idOption(false, 'The alert number; leave out for every delivery that failed in the last 24 h', 'alert') },
  async handle({ services, actor, now }, { alert }) {
    const filter = alert === undefined ? { since: new Date(now.getTime() - DAY_MS) } : { alertId: alert };
    return replyTo(await resend(services, filter, actor));
  },
});
