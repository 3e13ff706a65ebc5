import { defineCommand, replyTo } from '../src/chat/command.js';
import { idOption } from '../src/chat/options.js';
import { changeGroup } from '../src/operations/group-change.js';

export default defineCommand({
  name: 'resolvegroup',
  description: 'Resolve every firing alert of a group message by hand (its Resolve all button)',
  role: 'responder',
  options: { group: idOption(true, 'The group number, as shown under the group message', 'group') },
  async handle({ services, actor, now }, { group }) {
    return replyTo(await changeGroup({ ...services, routing: services.config }, 'resolve', group, actor, now));
  },
});
