import type { Logger } from 'pino';
import type { Role } from '../shared/roles.js';
import type { Store } from '../db/store.js';
import type { FileConfig } from '../config/file-schema.js';
import { allDestinations, destinationKey } from '../escalation/targets.js';
import { listSubscriptions } from '../routing/subscriptions.js';
import { recordAudit, recordRefusalCount, type AuditEntry } from '../operations/audit-log.js';
import { RefusalWindows } from './refusal-windows.js';
import { ArgumentError, usage, type CommandDefinition } from './command.js';
import { hasRole, resolveRole } from './roles.js';
import type { CommandServices } from './services.js';
import type { Actor } from '../operations/actor.js';
import { privateReply, type Invocation, type Invoker, type Reply } from '../shared/chat.js';

/**
 * Runs a chat command the same way whichever platform it came from: finds it, checks the role,
 * validates the options, runs the handler, and writes one audit row — for refusals and mistakes too
 * (a handler that runs an operation leaves the row to the operation, through the actor it is given).
 */
export class CommandRunner {
  private readonly byName: Map<string, CommandDefinition>;
  private readonly refusals: RefusalWindows;
  /** Audit writes still under way, so that closing waits for them. */
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    readonly commands: CommandDefinition[],
    private readonly services: CommandServices,
    private readonly log: Logger,
  ) {
    this.byName = new Map(commands.map((c) => [c.name, c]));
    const windowMs = services.config.access.refusalWindow;
    this.refusals = new RefusalWindows(windowMs, (auditId, refusals) => {
      this.log.warn({ auditId, refusals }, `one chat user was refused ${refusals} times within ${windowMs / 1000} s; counted on one audit row`);
      this.track(recordRefusalCount(this.services.store, auditId, refusals, windowMs), 'could not write the audit log');
    });
  }

  /** Writes the counts of refusals still being counted, and waits for every audit write (at shutdown). */
  async close(): Promise<void> {
    this.refusals.flush();
    await Promise.allSettled([...this.writes]);
  }

  private track<T>(write: Promise<T>, failure: string): Promise<T | null> {
    const tracked = write.catch((error: unknown) => {
      this.log.error({ err: error }, failure);
      return null;
    });
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
    return tracked;
  }

  get(name: string): CommandDefinition | undefined {
    return this.byName.get(name);
  }

  async roleOf(invoker: Invoker): Promise<Role | null> {
    return resolveRole(this.services.config.access, invoker, await isKnownDestination(this.services.store, this.services.config, invoker));
  }

  async run(invocation: Invocation): Promise<Reply> {
    const { invoker } = invocation;
    const audit = (result: AuditEntry['result'], detail: string) =>
      this.audit(invocation, result, detail);
    const command = this.byName.get(invocation.command);
    if (!command) {
      const reply = privateReply(`Unknown command /${invocation.command}. /help lists the commands you may run here.`);
      return this.refuseOnce(invocation, reply, () => audit('invalid', 'unknown command'));
    }
    const role = await this.roleOf(invoker);
    if (!hasRole(role, command.role)) {
      const have = role ? `you have ${role}` : 'you have no role here';
      const reply = privateReply(`/${command.name} needs the ${command.role} role; ${have}. Ask an opsbot admin to grant it.`);
      return this.refuseOnce(invocation, reply, () => {
        this.log.warn({ command: command.name, userId: invoker.userId, platform: invoker.platform, role }, 'chat command refused');
        return audit('refused', `needs ${command.role}; ${have}`);
      });
    }
    let args: Record<string, unknown>;
    try {
      args = parseArgs(command, invocation.raw);
    } catch (error) {
      if (!(error instanceof ArgumentError)) throw error;
      await audit('invalid', error.message);
      return privateReply(`${error.message}.\nUsage: ${usage(command)}`);
    }
    let audited = false;
    const auditOnce = async (result: AuditEntry['result'], detail: string) => {
      if (audited) return;
      audited = true;
      await audit(result, detail);
    };
    const actor: Actor = { name: invoker.userName, via: 'chat', audit: auditOnce };
    try {
      const reply = await command.handle({ invoker, actor, role: role!, services: this.services, commands: this.commands, now: new Date() }, args as never);
      await auditOnce('ok', firstLine(reply.text));
      return reply;
    } catch (error) {
      if (error instanceof ArgumentError) {
        await auditOnce('invalid', error.message);
        return privateReply(error.message);
      }
      this.log.error({ err: error, command: command.name, args: invocation.raw }, 'chat command failed');
      await auditOnce('error', error instanceof Error ? error.message : String(error));
      return privateReply(`/${command.name} failed on opsbot's side; the error is in the opsbot log. Nothing was changed by this attempt.`);
    }
  }

  /**
   * The first refusal of a user in a window is audited and answered; the ones after it are only
   * counted (onto that audit row when the window closes) and their reply is marked quiet.
   */
  private async refuseOnce(invocation: Invocation, reply: Reply, audit: () => Promise<number | null>): Promise<Reply> {
    const user = `${invocation.invoker.platform}:${invocation.invoker.userId}`;
    if (this.refusals.countRepeat(user)) return { ...reply, quiet: true };
    this.refusals.start(user);
    const auditId = await audit();
    if (auditId !== null) this.refusals.countOnto(user, auditId);
    return reply;
  }

  private audit(invocation: Invocation, result: AuditEntry['result'], detail: string): Promise<number | null> {
    const { invoker } = invocation;
    const args = Object.fromEntries(
      Object.entries(invocation.raw).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return this.track(
      recordAudit(this.services.store, {
        at: new Date(),
        platform: invoker.platform,
        userId: invoker.userId,
        userName: invoker.userName,
        chatId: invoker.chatId,
        via: invocation.via,
        command: invocation.command,
        args,
        result,
        detail: detail.slice(0, 1_000),
      }),
      `could not write the audit log of /${invocation.command}`,
    );
  }
}

function parseArgs(command: CommandDefinition, raw: Record<string, string | undefined>): Record<string, unknown> {
  const unknown = Object.keys(raw).filter((name) => !(name in command.options));
  if (unknown.length > 0) {
    const extra = unknown.map((name) => raw[name]).join(' ');
    throw new ArgumentError(`/${command.name} did not expect ${JSON.stringify(extra)}`);
  }
  const args: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const value = raw[name];
    if (value === undefined || value.trim() === '') {
      if (spec.required) throw new ArgumentError(`/${command.name} needs <${name}>: ${spec.description.toLowerCase()}`);
      continue;
    }
    try {
      args[name] = spec.parse(value);
    } catch (error) {
      if (error instanceof ArgumentError) throw new ArgumentError(`<${name}>: ${error.message}`);
      throw error;
    }
  }
  return args;
}

async function isKnownDestination(store: Store, config: FileConfig, invoker: Invoker): Promise<boolean> {
  const key = destinationKey({ platform: invoker.platform, destination: invoker.chatId });
  return allDestinations(config, await listSubscriptions(store)).some((d) => destinationKey(d) === key);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
