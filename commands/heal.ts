import { defineCommand, privateReply, publicReply } from '../src/chat/command.js';
import { textOption } from '../src/chat/options.js';
import { HealRefusal } from '../src/heal/heal-service.js';

export default defineCommand({
  name: 'heal',
  description: "Run one of a service's configured heal actions (never a command line from chat)",
  role: 'operator',
  options: {
    service: textOption(true, 'The service, as named in the config', false, 100),
    action: textOption(false, 'The heal action by name (default: the service’s usual one)', false, 100),
  },
  handle({ services, invoker }, { service, action }) {
    try {
      const { run, done } = services.heal.start(service, action, 'chat', invoker.userName);
      done.catch((error: unknown) => services.log.error({ err: error, run: run.id }, 'heal run failed unexpectedly'));
      return publicReply(
        `Heal run #${run.id} started by ${invoker.userName}: ${run.action} on ${run.service}. ` +
          'opsbot checks that it worked and posts the outcome as an alert.',
      );
    } catch (error) {
      if (error instanceof HealRefusal) return privateReply(error.message);
      throw error;
    }
  },
});
