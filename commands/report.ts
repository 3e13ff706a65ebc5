import { defineCommand, publicReply } from '../src/chat/command.js';

export default defineCommand({
  name: 'report',
  description: 'Run an ops cycle now: check everything, write the report, post the digest',
  role: 'responder',
  options: {},
  async handle({ services, invoker }) {
    const { row, report } = await services.runReport(`chat:${invoker.userName}`);
    const failed = report.failures.length ? ` ${report.failures.length} part(s) failed: ${report.failures.join('; ')}.` : '';
    return publicReply(`Report ${row.name} written (${row.headline}); the digest went to the digest chats.${failed}`);
  },
});
