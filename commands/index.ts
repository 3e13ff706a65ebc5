import type { CommandDefinition } from '../src/chat/command.js';
import ack from './ack.js';
import ackgroup from './ackgroup.js';
import check from './check.js';
import heal from './heal.js';
import help from './help.js';
import report from './report.js';
import resend from './resend.js';
import resolve from './resolve.js';
import resolvegroup from './resolvegroup.js';
import restart from './restart.js';
import silence from './silence.js';
import silences from './silences.js';
import status from './status.js';
import subscribe from './subscribe.js';
import subscriptions from './subscriptions.js';
import unsilence from './unsilence.js';
import unsubscribe from './unsubscribe.js';

/** Every chat command, in the order menus and /help show them. */
export const ALL_COMMANDS: CommandDefinition[] = [
  status,
  ack,
  resolve,
  ackgroup,
  resolvegroup,
  resend,
  silence,
  silences,
  unsilence,
  heal,
  restart,
  check,
  subscribe,
  unsubscribe,
  subscriptions,
  report,
  help,
];
