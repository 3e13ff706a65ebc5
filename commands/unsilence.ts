import { defineCommand, replyTo } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { unsilence } from '../src/operations/silence.js';

export default defineCommand({
  name: 'unsilence',
  description: 'End a silence now; alerts it held that still fire are posted',
  role: 'responder',
  options: { silence: idOption(true, 'The silence number from /silences', 'silence') },
  async handle({ services, actor, now }, { silence }) {
    return replyTo(await unsilence(services, silence, actor, now));
  },
});
