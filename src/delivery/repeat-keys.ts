import { createHash } from 'node:crypto';

/**
 * Names for a post that stay the same on every attempt: the row's kind and id, and its creation time
 * in base 36, so two opsbot installations sharing a bot token do not name different posts alike.
 * At most 25 characters (Discord's nonce limit): ids up to 10^14 and times up to the year 5188.
 */
const key = (kind: string, row: { id: number; createdAt: Date }) => `${kind}${row.id}-${row.createdAt.getTime().toString(36)}`;

export const repeatKeys = {
  delivery: (row: { id: number; createdAt: Date }) => key('d', row),
  summary: (row: { id: number; createdAt: Date }) => key('s', row),
  /** The "Resolved" reply under a delivery's message, once per resolution. */
  resolvedReply: (delivery: { id: number }, resolvedAt: Date) => key('r', { id: delivery.id, createdAt: resolvedAt }),
  /**
   * One escalation step's notice to one destination (a step notifies several): the step id, and a
   * digest of the destination and the step's due time, so notices to two channels never share a name.
   */
  escalation: (step: { id: number; dueAt: Date }, destination: string) =>
    `e${step.id}-${createHash('sha256').update(`${destination}@${step.dueAt.getTime()}`).digest('hex').slice(0, 10)}`,
};

/**
 * The synced revision recorded for a message that may be an earlier attempt's copy: below every
 * revision, so that one edit brings it up to date.
 */
export const EARLIER_COPY_REVISION = -1;

/**
 * Whether the message a post was answered with may be an earlier attempt's, showing older content:
 * on a platform that answers a repeat that way, after a failed attempt or a claim taken over from a
 * holder that may have posted.
 */
export function mayBeEarlierCopy(adapter: { returnsEarlierCopy: boolean }, row: { lastError: string | null }, takenOver: boolean): boolean {
  return adapter.returnsEarlierCopy && (takenOver || row.lastError !== null);
}
