import { ack } from '../operations/ack.js';
import { resolve } from '../operations/resolve.js';
import { silence, unsilence } from '../operations/silence.js';
import type { AlertDetail } from '../alerts/query.js';
import type { SilenceMatcherJson } from '../db/schema.js';
import { formatMatchers } from '../shared/matcher-syntax.js';
import type { Actor } from '../operations/actor.js';
import { recordAudit, type AuditEntry } from '../operations/audit-log.js';
import { resend } from '../operations/resend.js';
import { changedSomething, type OperationResult } from '../operations/results.js';
import { setServiceEnabled } from '../operations/service-switch.js';
import { describe } from '../operations/wording.js';
import type { Session } from './sessions.js';
import type { DashboardOptions } from './types.js';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Writes the audit row of a dashboard action, as the chat runner does for commands and buttons. */
export async function auditDashboard(
  options: DashboardOptions,
  session: Session | undefined,
  command: string,
  args: Record<string, string>,
  result: AuditEntry['result'],
  detail: string,
  ip: string,
): Promise<void> {
  try {
    await recordAudit(options.store, {
      at: new Date(),
      platform: 'dashboard',
      userId: session ? `dashboard:${session.credential}` : 'dashboard:anonymous',
      userName: session?.user ?? null,
      chatId: ip,
      via: 'dashboard',
      command,
      args,
      result,
      detail: detail.slice(0, 1_000),
    });
  } catch (error) {
    options.log.error({ err: error, command }, 'could not write the audit log');
  }
}

/** The signed-in user as operations see them, audited as a dashboard action from `ip`. */
function dashboardActor(options: DashboardOptions, session: Session, command: string, args: Record<string, string>, ip: string): Actor {
  return { name: session.user, via: 'dashboard', audit: (result, detail) => auditDashboard(options, session, command, args, result, detail, ip) };
}

function flash(result: OperationResult): Flash {
  return { kind: changedSomething(result) ? 'ok' : 'error', text: describe(result) };
}

/** The Ack button: the same acknowledgement as /ack, with the chat messages edited through the queue. */
export async function ackAlert(options: DashboardOptions, session: Session, alertId: number, ip: string): Promise<Flash> {
  return flash(await ack(options, alertId, dashboardActor(options, session, 'ack', { alert: String(alertId) }, ip)));
}

/** The Re-send button beside the failed count: sends the deliveries that failed in the window shown there again. */
export async function resendFailed(options: DashboardOptions, session: Session, since: Date, ip: string): Promise<Flash> {
  return flash(await resend(options, { since }, dashboardActor(options, session, 'resend', { since: since.toISOString() }, ip)));
}

/** The maintenance switch: the same as POST /api/v1/services/:name/disable (and /enable). */
export async function switchService(options: DashboardOptions, session: Session, name: string, enabled: boolean, ip: string): Promise<Flash> {
  const command = enabled ? 'enable' : 'disable';
  try {
    return flash(await setServiceEnabled(options, name, enabled, dashboardActor(options, session, command, { service: name }, ip)));
  } catch (error) {
    options.log.error({ err: error, service: name, enabled }, 'dashboard: switching the service failed');
    return { kind: 'error', text: `Could not ${command} ${name}; the error is in the opsbot log.` };
  }
}

/** The Resolve button of the alert page: the same as /resolve. */
export async function resolveAlertAction(options: DashboardOptions, session: Session, alertId: number, ip: string): Promise<Flash> {
  return flash(await resolve(options, alertId, dashboardActor(options, session, 'resolve', { alert: String(alertId) }, ip)));
}

/**
 * The Silence form of the alert page: a silence on exactly this alert's service and labels (so its
 * repeats and its twins are held back), for the chosen time, with the reason given.
 */
export async function silenceLikeAlert(options: DashboardOptions, session: Session, alert: AlertDetail, durationMs: number, comment: string, ip: string): Promise<Flash> {
  const matchers: SilenceMatcherJson[] = [
    ...(alert.service ? [{ name: 'service', op: '=' as const, value: alert.service }] : []),
    ...Object.entries(alert.labels).map(([name, value]) => ({ name, op: '=' as const, value })),
  ];
  const args = { alert: String(alert.id), matchers: formatMatchers(matchers) };
  return flash(await silence(options, { matchers, durationMs, reason: comment }, dashboardActor(options, session, 'silence', args, ip)));
}

/** The silences page's confirmed form: the same silence as /silence. */
export async function createSilenceAction(options: DashboardOptions, session: Session, matchers: SilenceMatcherJson[], durationMs: number, comment: string, ip: string): Promise<Flash> {
  const args = { matchers: formatMatchers(matchers) };
  return flash(await silence(options, { matchers, durationMs, reason: comment }, dashboardActor(options, session, 'silence', args, ip)));
}

/** The Expire button of a silence: the same as /unsilence. */
export async function expireSilenceAction(options: DashboardOptions, session: Session, silenceId: number, ip: string): Promise<Flash> {
  return flash(await unsilence(options, silenceId, dashboardActor(options, session, 'unsilence', { silence: String(silenceId) }, ip)));
}
