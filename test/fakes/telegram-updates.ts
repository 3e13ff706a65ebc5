/**
 * The update queue behind `getUpdates`: long polling that answers as soon as an update is
 * queued, confirms updates by `offset`, and terminates an older poll with 409 when a second
 * poller arrives (two bot instances on one token), as the real Bot API server does. A webhook,
 * once set, makes getUpdates a 409 too (the fake never calls webhooks).
 */
import { badRequest, boolParam, intParam, jsonParam, stringParam, TgApiError, type Params } from './telegram-http.js';

export type Update = Record<string, unknown> & { update_id: number };

export interface PollRequest {
  offset?: number | undefined;
  limit?: number | undefined;
  /** Seconds to wait for an update when none is queued; 0 answers at once. */
  timeout?: number | undefined;
  allowedUpdates?: string[] | undefined;
}

interface Waiter {
  limit: number;
  allowed: string[] | undefined;
  timer: NodeJS.Timeout;
  resolve(updates: Update[]): void;
  reject(error: TgApiError): void;
}

const MAX_POLL_SECONDS = 50;

export class UpdateQueue {
  private readonly queue: Update[] = [];
  private lastId = 0;
  private waiter: Waiter | undefined;
  private webhookUrl = '';

  get pending(): number {
    return this.queue.length;
  }

  /** `getUpdates` with its parameters as sent. */
  getUpdates(p: Params, onAbandon: (cancel: () => void) => void): Promise<Update[]> {
    if (this.webhookUrl) {
      throw new TgApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const allowed = jsonParam(p, 'allowed_updates');
    const request = {
      offset: intParam(p, 'offset'),
      limit: intParam(p, 'limit'),
      timeout: intParam(p, 'timeout'),
      allowedUpdates: Array.isArray(allowed) ? allowed.map(String) : undefined,
    };
    return this.poll(request, onAbandon);
  }

  /** `setWebhook`, and `deleteWebhook` as a set to ''. */
  setWebhook(p: Params): true {
    const url = stringParam(p, 'url') ?? '';
    if (url && !/^https:\/\//i.test(url)) throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    if (boolParam(p, 'drop_pending_updates')) this.clear();
    this.webhookUrl = url;
    return true;
  }

  webhookInfo(): Record<string, unknown> {
    return {
      url: this.webhookUrl,
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhookUrl ? { max_connections: 40, ip_address: '127.0.0.1' } : {}),
    };
  }

  push(update: Record<string, unknown>): Update {
    const given = update.update_id;
    const id = typeof given === 'number' && Number.isInteger(given) ? given : this.lastId + 1;
    this.lastId = Math.max(this.lastId, id);
    const full: Update = { ...update, update_id: id };
    this.queue.push(full);
    this.wake();
    return full;
  }

  /** Answers a `getUpdates`; `onAbandon` lets the caller cancel the wait when the client goes away. */
  poll(request: PollRequest, onAbandon: (cancel: () => void) => void): Promise<Update[]> {
    this.terminatePreviousPoll();
    this.confirm(request.offset ?? 0);
    const limit = Math.min(100, Math.max(1, request.limit ?? 100));
    const allowed = request.allowedUpdates?.length ? request.allowedUpdates : undefined;
    const ready = this.take(limit, allowed);
    const seconds = Math.min(MAX_POLL_SECONDS, Math.max(0, request.timeout ?? 0));
    if (ready.length > 0 || seconds === 0) return Promise.resolve(ready);
    return new Promise<Update[]>((resolve, reject) => {
      const waiter: Waiter = {
        limit,
        allowed,
        timer: setTimeout(() => this.settle(waiter, []), seconds * 1000).unref(),
        resolve,
        reject,
      };
      this.waiter = waiter;
      onAbandon(() => this.forget(waiter));
    });
  }

  /** Ends a waiting long poll with an empty answer (used by close()). */
  release(): void {
    if (this.waiter) this.settle(this.waiter, []);
  }

  clear(): void {
    this.queue.length = 0;
  }

  private terminatePreviousPoll(): void {
    const previous = this.waiter;
    if (!previous) return;
    this.forget(previous);
    previous.reject(
      new TgApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
    );
  }

  private confirm(offset: number): void {
    if (offset > 0) {
      const firstKept = this.queue.findIndex((update) => update.update_id >= offset);
      this.queue.splice(0, firstKept === -1 ? this.queue.length : firstKept);
    } else if (offset < 0) {
      this.queue.splice(0, Math.max(0, this.queue.length + offset));
    }
  }

  /** Updates of types the poller did not ask for are dropped, as Telegram never delivers them. */
  private take(limit: number, allowed: string[] | undefined): Update[] {
    if (allowed) {
      for (let i = this.queue.length - 1; i >= 0; i--) {
        const update = this.queue[i];
        if (update && !allowed.includes(updateType(update))) this.queue.splice(i, 1);
      }
    }
    return this.queue.slice(0, limit);
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const ready = this.take(waiter.limit, waiter.allowed);
    if (ready.length > 0) this.settle(waiter, ready);
  }

  private settle(waiter: Waiter, updates: Update[]): void {
    this.forget(waiter);
    waiter.resolve(updates);
  }

  private forget(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    if (this.waiter === waiter) this.waiter = undefined;
  }
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}
