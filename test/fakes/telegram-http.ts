/** Wire helpers for the fake Bot API: reading parameters the three ways Telegram accepts them. */
import type { IncomingMessage } from 'node:http';

export type Params = Record<string, unknown>;

/** An answer `{ ok: false, error_code, description, parameters? }`; thrown by method handlers. */
export class TgApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(`${code}: ${description}`);
  }

  get httpStatus(): number {
    return this.code >= 100 && this.code <= 599 ? this.code : 400;
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

export const badRequest = (what: string): TgApiError => new TgApiError(400, `Bad Request: ${what}`);

/** Query string, then a JSON or form-urlencoded body on top (later wins, as in the real server). */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const body = await readBody(req);
  if (body.length === 0) return params;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = body.toString('utf8');
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest("can't parse JSON encoded request body");
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw badRequest('request body must be a JSON object');
    }
    return { ...params, ...(parsed as Params) };
  }
  if (type === 'multipart/form-data') {
    throw badRequest('multipart/form-data is not supported by the fake Telegram server');
  }
  return { ...params, ...Object.fromEntries(new URLSearchParams(text)) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A parameter that may arrive as a JSON value or (form/query) as its JSON text. */
export function jsonParam(params: Params, name: string): unknown {
  const value = params[name];
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw badRequest(`can't parse ${name} JSON object`);
  }
}

export function intParam(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
  return number;
}

export function boolParam(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function stringParam(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`field "${name}" must be of type String`);
}

/** Chat ids are kept as strings: `-100…` supergroup ids and `@channel` names alike. */
export function chatIdParam(params: Params): string {
  const chatId = stringParam(params, 'chat_id');
  if (!chatId) throw badRequest('chat_id is empty');
  return chatId;
}

/** JSON with object keys sorted, to compare reply markups the way Telegram compares content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
