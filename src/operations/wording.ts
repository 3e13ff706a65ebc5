import { formatMatchers } from '../shared/matcher-syntax.js';
import { formatDuration } from '../time/duration.js';
import type { SubscriptionRow } from '../db/schema.js';
import type { NotFound, OperationResult } from './results.js';

/** `WARN and above from every service` / `CRIT and above from api, db`. */
export function describeSubscription(row: Pick<SubscriptionRow, 'minSeverity' | 'services'>): string {
  const severity = row.minSeverity === 'CRIT' ? 'CRIT alerts' : `${row.minSeverity} and above`;
  const from = row.services.length === 0 ? 'from every service' : `from ${row.services.join(', ')}`;
  return `${severity} ${from}`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function notFound(result: NotFound): string {
  switch (result.what) {
    case 'alert':
      return `No alert #${result.id}.`;
    case 'silence':
      return `No active silence #${result.id}.`;
    case 'service':
      return `No service named ${JSON.stringify(result.id)} is configured.`;
    case 'subscription':
      return 'This chat has no subscription.';
    case 'route':
      return `No route named ${JSON.stringify(result.id)} is configured.`;
    case 'group':
      return `No group message #${result.id}.`;
  }
}

/** The one sentence (or two) that says what an operation did, whoever asked and however they asked. */
export function describe(result: OperationResult): string {
  switch (result.kind) {
    case 'acked': {
      const stopped = result.stoppedSteps > 0 ? ` Escalation stopped (${plural(result.stoppedSteps, 'pending step', 'pending steps')}).` : '';
      return `Alert #${result.alert.id} acknowledged by ${result.alert.ackedBy}.${stopped}`;
    }
    case 'resolved':
      return `Alert #${result.alert.id} resolved by ${result.alert.resolvedBy}.`;
    case 'already-acked':
      return `Alert #${result.alert.id} is already acknowledged by ${result.by}.`;
    case 'checked': {
      const problems = [
        ...result.services.filter((s) => !s.ok).map((s) => `✗ ${s.name}: ${s.detail}`),
        ...result.heartbeats.filter((h) => !h.ok).map((h) => `✗ heartbeat ${h.name}: ${h.state}`),
        ...result.fired.map((f) => `✗ trigger ${f.rule}${f.series ? ` (${f.series})` : ''} fired: ${f.detail}; ${f.did}`),
        ...result.breached.filter((b) => !result.fired.some((f) => (f.series ? `${f.rule} (${f.series})` : f.rule) === b)).map((b) => `✗ trigger ${b} stays breached`),
      ];
      const counted = `${plural(result.services.length, 'service', 'services')}, ${plural(result.heartbeats.length, 'heartbeat', 'heartbeats')}`;
      if (result.healthy) return `Check: all healthy (${counted}; no trigger fired).`;
      return `Check: ${plural(problems.length, 'problem', 'problems')} (${counted} checked).\n${problems.join('\n')}`;
    }
    case 'group-acked':
    case 'group-resolved': {
      const group = `Group #${result.summaryId} (${Object.entries(result.labels).map(([name, value]) => `${name}=${value}`).join(', ')})`;
      const done = result.kind === 'group-acked' ? 'acknowledged' : 'resolved';
      if (result.alertIds.length === 0) return `${group}: nothing left to mark ${done}; every alert in it already is${result.kind === 'group-acked' ? ' acknowledged or resolved' : ''}.`;
      return `${group}: ${plural(result.alertIds.length, 'alert', 'alerts')} ${done} by ${result.by} (${result.alertIds.map((id) => `#${id}`).join(', ')}).`;
    }
    case 'already-resolved':
      return `Alert #${result.alert.id} is already resolved${result.by ? ` by ${result.by}` : ''}.`;
    case 'not-found':
      return notFound(result);
    case 'silenced': {
      const { silence, held } = result;
      const holding = held > 0 ? ` It holds ${plural(held, 'firing alert', 'firing alerts')} already.` : '';
      return (
        `Silence #${silence.id} on ${formatMatchers(silence.matchers)} for ${formatDuration(result.durationMs)}, until ${silence.endsAt.toISOString()}, by ${silence.createdBy}.${holding}` +
        ' Matching alerts are stored but not posted; any still firing when it ends will post then.'
      );
    }
    case 'unsilenced':
      return `Silence #${result.silence.id} ended by ${result.silence.removedBy}; alerts it held that still fire will post now.`;
    case 'resent':
      return `${result.message}.`;
    case 'heal-started': {
      const { run } = result;
      return `Heal run #${run.id} started by ${run.triggeredBy}: ${run.action} on ${run.service}. opsbot checks that it worked and posts the outcome as an alert.`;
    }
    case 'heal-forwarded':
      return `Heal of ${result.service} (${result.action}) asked by ${result.by} and handed to opsbot instance ${result.instance}, which runs it: it checks that it worked and posts the outcome as an alert.`;
    case 'refused':
      return result.reason;
    case 'switched':
      return result.enabled
        ? `${result.service.name} enabled by ${result.by}.`
        : `${result.service.name} disabled for maintenance by ${result.by}: no probes, restarts, heals or alerts until it is enabled.`;
    case 'subscribed':
      return `Subscribed: this chat now gets ${describeSubscription(result.subscription)}. /unsubscribe stops it.`;
    case 'unsubscribed':
      return `Unsubscribed by ${result.by}: this chat gets no more alerts through a subscription.`;
    case 'test-sent': {
      const where = result.route ? `route ${result.route}` : 'every route';
      if (result.destinations.length === 0) return `Test alert #${result.alertId} stored, but ${where} has no destination to post it to.`;
      const to = result.destinations.map((d) => `${d.platform} ${d.destination}`).join(', ');
      return `Test alert #${result.alertId} queued through ${where} to ${plural(result.destinations.length, 'destination', 'destinations')}: ${to}.`;
    }
  }
}

/** Where a chat user finds what they named, after a not-found. */
const CHAT_HINTS: Record<NotFound['what'], string> = {
  alert: '/status lists the firing ones.',
  silence: '/silences lists them.',
  service: '/status lists the services.',
  subscription: '/subscribe creates one.',
  route: 'The config file lists the routes.',
  group: 'A group message shows its number under its alerts.',
};

/** The chat reply: the sentence, and after a not-found the command that lists what exists. */
export function chatText(result: OperationResult): string {
  return result.kind === 'not-found' ? `${describe(result)} ${CHAT_HINTS[result.what]}` : describe(result);
}

/** The audit row's detail and an API `message`: the sentence without its closing full stop. */
export function statement(result: OperationResult): string {
  return describe(result).replace(/\.$/, '');
}

/**
 * An API `error`: the statement, starting lower case as the API's other errors do; a refusal is
 * the refusing service's own sentence, passed on as it wrote it.
 */
export function errorText(result: OperationResult): string {
  if (result.kind === 'refused') return result.reason;
  const text = statement(result);
  return text.charAt(0).toLowerCase() + text.slice(1);
}
