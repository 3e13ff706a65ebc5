import { defineCommand } from '../src/chat/command.js';
import { listActiveSilences } from '../src/routing/silences.js';
import { formatMatchers } from '../src/shared/matcher-syntax.js';
import { formatDuration } from '../src/time/duration.js';
import { publicReply } from '../src/shared/chat.js';

const SHOWN = 20;

export default defineCommand({
  name: 'silences',
  description: 'List the active silences',
  role: 'viewer',
  options: {},
  async handle({ services, now }) {
    const active = await listActiveSilences(services.store, now);
    if (active.length === 0) return publicReply('No active silences.');
    const lines = [`${active.length} active silence${active.length === 1 ? '' : 's'}:`];
    for (const s of active.slice(0, SHOWN)) {
      const reason = s.reason ? ` — ${s.reason.slice(0, 100)}` : '';
      lines.push(
        `#${s.id} ${formatMatchers(s.matchers)} · ends in ${formatDuration(s.endsAt.getTime() - now.getTime())} · by ${s.createdBy} · holding ${s.holding}${reason}`,
      );
    }
    if (active.length > SHOWN) lines.push(`…and ${active.length - SHOWN} more`);
    return publicReply(lines.join('\n'));
  },
});
