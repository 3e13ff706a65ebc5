import type { AlertView, EscalationView, Platform, SummaryView } from '../shared/types.js';

/** Posts and edits opsbot's messages on one chat platform. Errors are thrown as DeliveryError. */
export interface ChannelAdapter {
  /**
   * Whether a repeated post (same `repeatKey`) is answered with the message an earlier attempt
   * created, showing what that attempt sent, instead of creating another (Discord's nonce).
   */
  readonly returnsEarlierCopy: boolean;
  readonly platform: Platform;
  /**
   * `repeatKey` names the post the same way on every attempt (at most 25 characters), so a platform
   * that can recognize a repeat (Discord's `nonce` with `enforce_nonce`) answers a retry of an
   * accepted post with the message it already created.
   */
  postAlert(destination: string, alert: AlertView, repeatKey: string): Promise<string>;
  editAlert(destination: string, messageId: string, alert: AlertView): Promise<void>;
  postResolvedReply(destination: string, messageId: string, alert: AlertView, repeatKey: string): Promise<string>;
  postSummary(destination: string, summary: SummaryView, repeatKey: string): Promise<string>;
  editSummary(destination: string, messageId: string, summary: SummaryView): Promise<void>;
  postEscalation(destination: string, escalation: EscalationView, repeatKey: string): Promise<string>;
  /** Plain text (a digest, a notice), escaped for the platform and cut to its limit. */
  postText(destination: string, text: string): Promise<string>;
  /** Asks the platform who the token belongs to; throws a DeliveryError when it is refused. */
  whoAmI(): Promise<string>;
  /** Releases timers and sockets. */
  close?(): void;
}
