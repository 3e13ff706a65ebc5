/**
 * How a chat platform refused a message:
 * - `rate_limited`: wait `retryAfterMs` and try again; not a failed attempt;
 * - `transient`: 5xx, network error or timeout; retried with back-off;
 * - `permanent`: the platform will never accept it (unknown chat, forbidden, invalid message).
 */
export type DeliveryErrorKind = 'rate_limited' | 'transient' | 'permanent';

export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
  }
}

/**
 * What a platform's HTTP refusal other than a 429 means: a 5xx may pass, and so may a 401 (a token
 * being replaced); any other 4xx (unknown chat, forbidden, invalid message) never will.
 */
export function refusalKind(status: number): 'transient' | 'permanent' {
  return status >= 500 || status === 401 ? 'transient' : 'permanent';
}

export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DeliveryError('transient', message);
}
