import { defineCommand, publicReply } from '../src/chat/command.js';
import { durationOption, matchersOption, textOption } from '../src/chat/options.js';
import { createSilence } from '../src/routing/silences.js';
import { formatMatchers } from '../src/routing/matchers.js';
import { formatDuration } from '../src/time/duration.js';

export default defineCommand({
  name: 'silence',
  description: 'Hold back matching alerts for a while: stored, not posted, not escalated',
  role: 'responder',
  options: {
    matchers: matchersOption(true, 'Matchers like service=api,severity!=INFO,env=~prod.* (comma-separated)'),
    duration: durationOption(true, 'How long, like 30m, 2h or 1d'),
    reason: textOption(false, 'Why (shown in /silences)', true),
  },
  async handle({ services, invoker, now }, { matchers, duration, reason }) {
    const { silence, held } = createSilence(
      services.db,
      { matchers, durationMs: duration, reason: reason ?? null, createdBy: invoker.userName },
      now,
    );
    await services.sink.silenceEnd(silence);
    const holding = held > 0 ? ` It holds ${held} firing alert${held === 1 ? '' : 's'} already.` : '';
    return publicReply(
      `Silence #${silence.id} on ${formatMatchers(matchers)} for ${formatDuration(duration)}, until ${silence.endsAt.toISOString()}, by ${invoker.userName}.${holding}` +
        ' Matching alerts are stored but not posted; any still firing when it ends will post then.',
    );
  },
});
