import { defineCommand, privateReply, publicReply } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { removeSilence } from '../src/routing/silences.js';

export default defineCommand({
  name: 'unsilence',
  description: 'End a silence now; alerts it held that still fire are posted',
  role: 'responder',
  options: { silence: idOption(true, 'The silence number from /silences', 'silence') },
  async handle({ services, invoker, now }, { silence: id }) {
    const removed = removeSilence(services.db, id, invoker.userName, now);
    if (!removed) return privateReply(`There is no active silence #${id}. /silences lists them.`);
    await services.sink.silenceEnd({ id, endsAt: now });
    return publicReply(`Silence #${id} ended by ${invoker.userName}; alerts it held that still fire will post now.`);
  },
});
