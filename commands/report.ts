import { defineCommand } from '../src/chat/command.js';
import { publicReply } from '../src/shared/chat.js';

export default defineCommand({
  name: 'report',
  description: 'Run an ops cycle now: check everything, write the report, post the digest',
  role: 'responder',
  options: {},
  async handle({ services, invoker }) {
    const { row, report, joined } = await services.runReport(`chat:${invoker.userName}`);
    const failed = report.failures.length ? ` ${report.failures.length} part(s) failed: ${report.failures.join('; ')}.` : '';
    const already = joined ? ' (it was already being written when you asked; no second report)' : '';
    return publicReply(`Report ${row.name} written${already} (${row.headline}); the digest went to the digest chats.${failed}`);
  },
});
