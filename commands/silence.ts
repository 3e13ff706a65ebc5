import { defineCommand, replyTo } from '../src/chat/command.js';
import { durationOption, matchersOption, textOption } from '../src/chat/options.js';
import { silence } from '../src/operations/silence.js';

export default defineCommand({
  name: 'silence',
  description: 'Hold back matching alerts for a while: stored, not posted, not escalated',
  role: 'responder',
  options: {
    matchers: matchersOption(true, 'Matchers like service=api,severity!=INFO,env=~prod.* (comma-separated)'),
    duration: durationOption(true, 'How long, like 30m, 2h or 1d'),
    reason: textOption(false, 'Why (shown in /silences)', true),
  },
  async handle({ services, actor, now }, { matchers, duration, reason }) {
    return replyTo(await silence(services, { matchers, durationMs: duration, reason: reason ?? null }, actor, now));
  },
});
