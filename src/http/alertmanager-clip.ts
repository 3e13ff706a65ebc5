import { createHash } from 'node:crypto';
import { ALERT_LIMITS, alertInputSchema, alertLink, type AlertInput, type FiringInput } from '../alerts/input.js';
import { hasLoneSurrogate, replaceLoneSurrogates } from '../validation.js';

/**
 * Alertmanager re-sends a refused webhook again and again, so an Alertmanager alert that breaks an
 * intake limit is clipped to fit, never refused: it is stored with this label saying what was changed.
 */
export const CLIPPED_LABEL = 'opsbot_clipped';

/** Labels kept first when an alert has more than ALERT_LIMITS.labels. */
const KEPT_FIRST = ['alertname', 'severity', 'service', 'job', 'instance'];

export interface ClippedInput {
  input: AlertInput;
  /** What was changed to fit the limits, in words; empty when nothing was. */
  clipped: string[];
}

/** An alert mapped from Alertmanager, before the limits are applied: it always has a severity and a title, also when it resolves. */
export type UnboundedInput = Omit<FiringInput, 'labels' | 'status'> & { labels: Record<string, string>; status: AlertInput['status'] };

/** Fits an alert into the intake limits (alertInputSchema), saying what it changed, and marks it with CLIPPED_LABEL if anything. */
export function clipToLimits(alert: UnboundedInput): ClippedInput {
  const notes: string[] = [];
  const text = (value: string) => replaceLoneSurrogates(value);
  if (textOf(alert).some(hasLoneSurrogate)) notes.push('lone UTF-16 surrogates replaced by U+FFFD');

  const title = clipped(text(alert.title).trim(), ALERT_LIMITS.title, 'title', notes);
  const body = alert.body === undefined ? undefined : clipped(text(alert.body), ALERT_LIMITS.body, 'body', notes);
  const serviceText = alert.service === undefined ? '' : text(alert.service).trim();
  const service = serviceText === '' ? undefined : clipped(serviceText, ALERT_LIMITS.service, 'service', notes);
  const dedupKey = alert.dedupKey === undefined ? undefined : boundedKey(text(alert.dedupKey), notes);
  const link = alert.link === undefined ? undefined : checkedLink(text(alert.link), notes);
  const labels = boundedLabels(alert.labels, notes);
  if (notes.length > 0) labels[CLIPPED_LABEL] = clipText(notes.join('; '), ALERT_LIMITS.labelValue);

  const input = alertInputSchema.parse({
    severity: alert.severity,
    title,
    ...(body === undefined ? {} : { body }),
    ...(service === undefined ? {} : { service }),
    labels,
    ...(dedupKey === undefined ? {} : { dedupKey }),
    status: alert.status,
    ...(alert.source === undefined ? {} : { source: alert.source }),
    ...(link === undefined ? {} : { link }),
  });
  return { input, clipped: notes };
}

function textOf(alert: UnboundedInput): string[] {
  const fields = [alert.title, alert.body, alert.service, alert.dedupKey, alert.link].filter((v) => v !== undefined);
  return [...fields, ...Object.keys(alert.labels), ...Object.values(alert.labels)];
}

function clipped(value: string, max: number, what: string, notes: string[]): string {
  if (value.length <= max) return value;
  notes.push(`${what} cut from ${value.length} to ${max} characters`);
  return clipText(value, max);
}

/** At most `max` UTF-16 units, ending in `…`, never cutting a surrogate pair in two. */
function clipText(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/** A fingerprint over the limit becomes its SHA-256, so that repeats still deduplicate and resolve. */
function boundedKey(key: string, notes: string[]): string {
  if (key.length <= ALERT_LIMITS.dedupKey) return key;
  notes.push(`dedupKey (fingerprint of ${key.length} characters) replaced by its SHA-256`);
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

function checkedLink(link: string, notes: string[]): string | undefined {
  if (alertLink.safeParse(link).success) return link;
  notes.push(
    link.length > ALERT_LIMITS.link
      ? `link of ${link.length} characters dropped (the limit is ${ALERT_LIMITS.link})`
      : 'link dropped: not a valid http(s) URL',
  );
  return undefined;
}

function boundedLabels(labels: Record<string, string>, notes: string[]): Record<string, string> {
  const entries = Object.entries(labels);
  const fitted = new Map<string, string>();
  let renamed = 0;
  let cutValues = 0;
  let unnamed = 0;
  for (const [rawName, rawValue] of prioritized(entries)) {
    const wholeName = replaceLoneSurrogates(rawName);
    if (wholeName === '') {
      unnamed++;
      continue;
    }
    const name = clipText(wholeName, ALERT_LIMITS.labelName);
    const value = clipText(replaceLoneSurrogates(rawValue), ALERT_LIMITS.labelValue);
    if (name !== wholeName) renamed++;
    if (value.length < rawValue.length) cutValues++;
    if (!fitted.has(name)) fitted.set(name, value);
  }
  if (unnamed > 0) notes.push(`${unnamed} label${unnamed === 1 ? '' : 's'} without a name dropped`);
  if (renamed > 0) notes.push(`${renamed} label name${renamed === 1 ? '' : 's'} cut to ${ALERT_LIMITS.labelName} characters`);
  if (cutValues > 0) notes.push(`${cutValues} label value${cutValues === 1 ? '' : 's'} cut to ${ALERT_LIMITS.labelValue} characters`);
  const room = notes.length > 0 || fitted.size > ALERT_LIMITS.labels ? ALERT_LIMITS.labels - 1 : ALERT_LIMITS.labels;
  if (fitted.size > room) {
    notes.push(`${fitted.size - room} of ${entries.length} labels dropped (the limit is ${ALERT_LIMITS.labels}, ${CLIPPED_LABEL} included)`);
  }
  return Object.fromEntries([...fitted].slice(0, room));
}

function prioritized(entries: Array<[string, string]>): Array<[string, string]> {
  const first = entries.filter(([name]) => KEPT_FIRST.includes(name));
  return [...first, ...entries.filter(([name]) => !KEPT_FIRST.includes(name))];
}
