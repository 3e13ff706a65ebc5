import { acknowledgeAlert } from '../src/alerts/lifecycle.js';
import { defineCommand, publicReply } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { describeNoChange } from '../src/chat/alert-replies.js';

export default defineCommand({
  name: 'ack',
  description: 'Acknowledge an alert: stops its escalation and shows who is on it',
  role: 'responder',
  options: { alert: idOption(true, 'The alert number, as shown under the alert', 'alert') },
  async handle({ services, invoker, now }, { alert: alertId }) {
    const outcome = acknowledgeAlert(services.db, alertId, invoker.userName, now);
    if (outcome.outcome !== 'done') return describeNoChange(outcome, alertId, 'ack');
    await services.sink.sync(outcome);
    const stopped = outcome.stoppedSteps > 0 ? ` Escalation stopped (${outcome.stoppedSteps} pending step${outcome.stoppedSteps === 1 ? '' : 's'}).` : '';
    return publicReply(`Alert #${alertId} acknowledged by ${invoker.userName}.${stopped}`);
  },
});
