/** Public shapes of the fake Discord API (re-exported by `./discord.js`). */

export interface DcMessage {
  id: string;
  channelId: string;
  content: string;
  embeds: any[];
  components: any[];
  allowedMentions?: unknown;
  messageReference?: { message_id: string };
  editedAt?: number;
  edits: number;
  createdAt: number;
  flags?: number;
  nonce?: string | number;
  attachments?: Array<{ id: string; filename: string; size: number }>;
}

export interface DcCall {
  method: string;
  /** Without the `/api/v10` prefix and without the query string. */
  path: string;
  /** The query string without `?` ('' when none). */
  query: string;
  /** The matched route as `'METHOD /template'`, e.g. `'POST /channels/:id/messages'`; undefined for unknown routes. */
  route?: string;
  body: unknown;
  auth: string | undefined;
  /** performance.now() when the request arrived. */
  at: number;
  /** Status answered; 0 while unanswered (a 'hang' stays 0). */
  status: number;
  files?: Array<{ name: string; size: number }>;
}

export type DcScript =
  | { kind: '429'; retryAfter: number /* seconds */; global?: boolean }
  /** `process: true` applies the request (e.g. stores the message) before answering 5xx. */
  | { kind: '5xx'; status?: number; process?: boolean }
  /** `process: true` applies the request before hanging, like a response lost on the way back. */
  | { kind: 'hang'; process?: boolean }
  | { kind: 'error'; status: number; code: number; message: string };

export interface DcInteractionResponse {
  interactionId: string;
  token: string;
  body: any;
  kind: 'callback' | 'followup' | 'edit-original' | 'edit-followup';
}

export interface DcGuild {
  id: string;
  name?: string;
  channels: string[];
}

export interface FakeDiscordOptions {
  port?: number;
  /** When set, other bot tokens get 401 `{message:'401: Unauthorized',code:0}` and gateway close 4004. */
  token?: string;
  applicationId?: string;
  guilds?: DcGuild[];
  /** How long an interaction may go unanswered before its callback gets 10062 Unknown interaction (default 3000). */
  interactionTimeoutMs?: number;
}

/** What a route handler answers: `json` undefined means an empty body without content-type. */
export interface Reply {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export function ok(json: unknown): Reply {
  return { status: 200, json };
}

export const noContent: Reply = { status: 204 };

export function apiError(status: number, code: number, message: string): Reply {
  return { status, json: { message, code } };
}
