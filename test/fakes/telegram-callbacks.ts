/** Callback queries: pushed button presses the bot must answer exactly once (answerCallbackQuery). */
import { badRequest, boolParam, stringParam, type Params } from './telegram-http.js';

export interface TgCallbackAnswer {
  queryId: string;
  text?: string;
  showAlert: boolean;
  url?: string;
}

export class CallbackQueries {
  readonly answers: TgCallbackAnswer[] = [];
  private readonly open = new Set<string>();
  private lastId = 0;

  nextId(): string {
    return String(++this.lastId);
  }

  /** A query pushed to the bot, waiting for its answer. */
  opened(queryId: string): void {
    this.open.add(queryId);
  }

  answer(p: Params): true {
    const queryId = stringParam(p, 'callback_query_id') ?? '';
    if (!this.open.delete(queryId)) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = stringParam(p, 'text');
    const url = stringParam(p, 'url');
    if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    this.answers.push({
      queryId,
      showAlert: boolParam(p, 'show_alert'),
      ...(text !== undefined ? { text } : {}),
      ...(url !== undefined ? { url } : {}),
    });
    return true;
  }

  reset(): void {
    this.answers.length = 0;
    this.open.clear();
  }
}
