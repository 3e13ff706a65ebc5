import { defineCommand, replyTo } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { ack } from '../src/operations/ack.js';

export default defineCommand({
  name: 'ack',
  description: 'Acknowledge an alert: stops its escalation and shows who is on it',
  role: 'responder',
  options: { alert: idOption(true, 'The alert number, as shown under the alert', 'alert') },
  async handle({ services, actor, now }, { alert }) {
    return replyTo(await ack(services, alert, actor, now));
  },
});
