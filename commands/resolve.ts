import { resolveAlert } from '../src/alerts/lifecycle.js';
import { defineCommand, publicReply } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { describeNoChange } from '../src/chat/alert-replies.js';

export default defineCommand({
  name: 'resolve',
  description: 'Mark an alert resolved by hand; a new firing later opens a new alert',
  role: 'responder',
  options: { alert: idOption(true, 'The alert number, as shown under the alert', 'alert') },
  async handle({ services, invoker, now }, { alert: alertId }) {
    const outcome = resolveAlert(services.db, alertId, invoker.userName, now);
    if (outcome.outcome !== 'done') return describeNoChange(outcome, alertId, 'resolve');
    await services.sink.sync(outcome);
    return publicReply(`Alert #${alertId} resolved by ${invoker.userName}.`);
  },
});
