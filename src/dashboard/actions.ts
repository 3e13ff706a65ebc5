import { acknowledgeAlert } from '../alerts/lifecycle.js';
import { recordAudit, type AuditEntry } from '../chat/audit.js';
import { resendFailedDeliveries } from '../delivery/resend.js';
import type { Session } from './sessions.js';
import type { DashboardOptions } from './types.js';

export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

/** Writes the audit row of a dashboard action, as the chat runner does for commands and buttons. */
export function auditDashboard(
  options: DashboardOptions,
  session: Session | undefined,
  command: string,
  args: Record<string, string>,
  result: AuditEntry['result'],
  detail: string,
  ip: string,
): void {
  try {
    recordAudit(options.db, {
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

/** The Ack button: the same acknowledgement as /ack, with the chat messages edited through the queue. */
export async function ackAlert(options: DashboardOptions, session: Session, alertId: number, ip: string): Promise<Flash> {
  const args = { alert: String(alertId) };
  const outcome = acknowledgeAlert(options.db, alertId, session.user);
  if (outcome.outcome === 'unknown') {
    const text = `There is no alert #${alertId}.`;
    auditDashboard(options, session, 'ack', args, 'invalid', text, ip);
    return { kind: 'error', text };
  }
  if (outcome.outcome === 'already') {
    const { alert } = outcome;
    const text = alert.status === 'resolved'
      ? `Alert #${alertId} is already resolved${alert.resolvedBy ? ` (by ${alert.resolvedBy})` : ''}.`
      : `Alert #${alertId} was already acknowledged by ${alert.ackedBy ?? 'someone'}.`;
    auditDashboard(options, session, 'ack', args, 'ok', text, ip);
    return { kind: 'error', text };
  }
  await options.sink.sync(outcome);
  const stopped = outcome.stoppedSteps > 0 ? ` Escalation stopped (${outcome.stoppedSteps} pending step${outcome.stoppedSteps === 1 ? '' : 's'}).` : '';
  const text = `Alert #${alertId} acknowledged by ${session.user}.${stopped}`;
  auditDashboard(options, session, 'ack', args, 'ok', text, ip);
  return { kind: 'ok', text };
}

/** The Re-send button beside the failed count: sends the deliveries that failed in the window shown there again. */
export async function resendFailed(options: DashboardOptions, session: Session, since: Date, ip: string): Promise<Flash> {
  const args = { since: since.toISOString() };
  const { resent, message } = await resendFailedDeliveries(options, { since });
  const text = `${message}.`;
  auditDashboard(options, session, 'resend', args, 'ok', text, ip);
  return { kind: resent.length > 0 ? 'ok' : 'error', text };
}

/** The maintenance switch: the same as POST /api/v1/services/:name/disable (and /enable). */
export async function switchService(options: DashboardOptions, session: Session, name: string, enabled: boolean, ip: string): Promise<Flash> {
  const command = enabled ? 'enable' : 'disable';
  const args = { service: name };
  try {
    const row = await options.manager.setEnabled(name, enabled, `${session.user} (dashboard)`);
    if (!row) {
      const text = `No service named ${JSON.stringify(name)} is configured.`;
      auditDashboard(options, session, command, args, 'invalid', text, ip);
      return { kind: 'error', text };
    }
    const text = enabled ? `${name} enabled by ${session.user}.` : `${name} disabled for maintenance by ${session.user}: no probes, restarts, heals or alerts until it is enabled.`;
    auditDashboard(options, session, command, args, 'ok', text, ip);
    return { kind: 'ok', text };
  } catch (error) {
    options.log.error({ err: error, service: name, enabled }, 'dashboard: switching the service failed');
    auditDashboard(options, session, command, args, 'error', error instanceof Error ? error.message : String(error), ip);
    return { kind: 'error', text: `Could not ${command} ${name}; the error is in the opsbot log.` };
  }
}
