/** Scripted answers of the fake Bot API: the next calls of a method fail the way a test asks. */
import http from 'node:http';
import { TgApiError } from './telegram-http.js';
import { tooManyRequests } from './telegram-messages.js';

export type TgScript =
  | { kind: '429'; retryAfter: number }
  | { kind: '5xx'; status?: number }
  | { kind: 'hang' }
  | { kind: 'error'; code: number; description: string };

export class ScriptedAnswers {
  private readonly scripts = new Map<string, { behaviour: TgScript; remaining: number }[]>();

  /** The next `times` calls of `method` (or of any method, `'*'`) answer with `behaviour`. */
  add(method: string, behaviour: TgScript, times: number): void {
    const key = method === '*' ? '*' : method.toLowerCase();
    const queue = this.scripts.get(key) ?? [];
    queue.push({ behaviour, remaining: times });
    this.scripts.set(key, queue);
  }

  /** The script for this call of `method`, if one is due (a method's own before `'*'`). */
  take(method: string): TgScript | undefined {
    for (const key of [method.toLowerCase(), '*']) {
      const queue = this.scripts.get(key);
      const next = queue?.[0];
      if (!queue || !next) continue;
      if (--next.remaining <= 0) queue.shift();
      return next.behaviour;
    }
    return undefined;
  }

  clear(): void {
    this.scripts.clear();
  }
}

/** The API error a failing script answers with. */
export function scriptedError(script: Exclude<TgScript, { kind: 'hang' }>): TgApiError {
  switch (script.kind) {
    case '429':
      return tooManyRequests(script.retryAfter);
    case '5xx': {
      const status = script.status ?? 502;
      return new TgApiError(status, http.STATUS_CODES[status] ?? 'Internal Server Error');
    }
    case 'error':
      return new TgApiError(script.code, script.description);
  }
}
