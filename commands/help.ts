import { defineCommand, usage } from '../src/chat/command.js';
import { hasRole } from '../src/chat/roles.js';
import { privateReply } from '../src/shared/chat.js';

export default defineCommand({
  name: 'help',
  description: 'The commands you may run here',
  role: 'viewer',
  options: {},
  handle({ role, commands }) {
    const allowed = commands.filter((c) => hasRole(role, c.role));
    const lines = [`You are ${role} here. You may run:`, ...allowed.map((c) => `${usage(c)} — ${c.description}`)];
    const more = commands.length - allowed.length;
    if (more > 0) lines.push(`${more} more command${more === 1 ? '' : 's'} need a higher role.`);
    return privateReply(lines.join('\n'));
  },
});
