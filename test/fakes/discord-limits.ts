/**
 * Discord's documented limits for message bodies and application commands, answered the way the
 * real API answers: 400 `{code: 50035, message: 'Invalid Form Body', errors: {<nested path>: {_errors: [...]}}}`.
 * Lengths are counted in UTF-16 code units (JS `.length`), which is never more lenient than Discord.
 */
import { apiError, type Reply } from './discord-types.js';

type Path = Array<string | number>;

export class FormErrors {
  private readonly root: Record<string, any> = {};
  private count = 0;

  /** `prefix` nests every path, e.g. ['data'] for an interaction callback's message. */
  constructor(private readonly prefix: Path = []) {}

  add(path: Path, code: string, message: string): void {
    let node = this.root;
    for (const key of [...this.prefix, ...path]) node = node[String(key)] ??= {};
    (node._errors ??= []).push({ code, message });
    this.count++;
  }

  get empty(): boolean {
    return this.count === 0;
  }

  reply(): Reply {
    return { status: 400, json: { message: 'Invalid Form Body', code: 50035, errors: this.root } };
  }
}

const MAX_EMBED_TOTAL = 6000;
const COMPONENTS_V2_FLAG = 1 << 15;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maxLength(errors: FormErrors, path: Path, value: unknown, max: number): void {
  if ((typeof value === 'string' || Array.isArray(value)) && value.length > max) {
    errors.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }
}

function required(errors: FormErrors, path: Path, value: unknown): boolean {
  if (value === undefined || value === null || value === '') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return false;
  }
  return true;
}

function wellFormedUrl(errors: FormErrors, path: Path, value: unknown, schemes = ['http:', 'https:']): void {
  if (value === undefined || value === null) return;
  let valid = false;
  try {
    valid = typeof value === 'string' && schemes.includes(new URL(value).protocol);
  } catch {
    valid = false;
  }
  if (!valid) errors.add(path, 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
}

export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,20}$/.test(value);
}

export function snowflakeError(field: string, value: string): Reply {
  const errors = new FormErrors();
  errors.add([field], 'NUMBER_TYPE_COERCE', `Value "${value}" is not snowflake.`);
  return errors.reply();
}

function validateEmbed(errors: FormErrors, path: Path, embed: unknown): number {
  if (!isObject(embed)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return 0;
  }
  let total = 0;
  const text = (value: unknown) => (typeof value === 'string' ? value.length : 0);
  maxLength(errors, [...path, 'title'], embed.title, 256);
  maxLength(errors, [...path, 'description'], embed.description, 4096);
  total += text(embed.title) + text(embed.description);
  wellFormedUrl(errors, [...path, 'url'], embed.url);
  if (embed.timestamp !== undefined && embed.timestamp !== null && !Number.isFinite(Date.parse(String(embed.timestamp)))) {
    errors.add([...path, 'timestamp'], 'DATE_TYPE_PARSE', `Could not parse ${String(embed.timestamp)}. Should be ISO8601.`);
  }
  if (embed.color !== undefined && embed.color !== null) {
    if (!Number.isInteger(embed.color)) {
      errors.add([...path, 'color'], 'NUMBER_TYPE_COERCE', `Value "${String(embed.color)}" is not int.`);
    } else if (embed.color < 0 || embed.color > 0xffffff) {
      errors.add([...path, 'color'], embed.color < 0 ? 'NUMBER_TYPE_MIN' : 'NUMBER_TYPE_MAX',
        embed.color < 0 ? 'int value should be greater than or equal to 0.' : 'int value should be less than or equal to 16777215.');
    }
  }
  if (embed.fields !== undefined) {
    const fields: unknown[] = Array.isArray(embed.fields) ? embed.fields : [];
    maxLength(errors, [...path, 'fields'], fields, 25);
    fields.forEach((field, i) => {
      const at = [...path, 'fields', i];
      const f = isObject(field) ? field : {};
      if (required(errors, [...at, 'name'], f.name)) maxLength(errors, [...at, 'name'], f.name, 256);
      if (required(errors, [...at, 'value'], f.value)) maxLength(errors, [...at, 'value'], f.value, 1024);
      total += text(f.name) + text(f.value);
    });
  }
  if (isObject(embed.footer)) {
    if (required(errors, [...path, 'footer', 'text'], embed.footer.text)) maxLength(errors, [...path, 'footer', 'text'], embed.footer.text, 2048);
    total += text(embed.footer.text);
  }
  if (isObject(embed.author)) {
    if (required(errors, [...path, 'author', 'name'], embed.author.name)) maxLength(errors, [...path, 'author', 'name'], embed.author.name, 256);
    wellFormedUrl(errors, [...path, 'author', 'url'], embed.author.url);
    total += text(embed.author.name);
  }
  return total;
}

function validateButton(errors: FormErrors, path: Path, button: Record<string, any>, customIds: Set<string>): void {
  if (!Number.isInteger(button.style) || button.style < 1 || button.style > 6) {
    errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', `Value must be one of {1, 2, 3, 4, 5, 6}.`);
  }
  maxLength(errors, [...path, 'label'], button.label, 80);
  if (button.style === 5) {
    if (required(errors, [...path, 'url'], button.url)) wellFormedUrl(errors, [...path, 'url'], button.url, ['http:', 'https:', 'discord:']);
    if (button.custom_id !== undefined) errors.add([...path, 'custom_id'], 'BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED', 'A link button cannot have a custom id.');
  } else if (button.style !== 6) {
    if (button.url !== undefined) errors.add([...path, 'url'], 'BUTTON_COMPONENT_URL_NOT_ALLOWED', 'Only link buttons can have a url.');
    validateCustomId(errors, path, button.custom_id, customIds);
  }
}

function validateCustomId(errors: FormErrors, path: Path, customId: unknown, customIds: Set<string>): void {
  if (!required(errors, [...path, 'custom_id'], customId)) return;
  maxLength(errors, [...path, 'custom_id'], customId, 100);
  if (customIds.has(String(customId))) {
    errors.add([...path, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
  }
  customIds.add(String(customId));
}

function validateComponents(errors: FormErrors, rows: unknown): void {
  if (!Array.isArray(rows)) return;
  maxLength(errors, ['components'], rows, 5);
  const customIds = new Set<string>();
  rows.forEach((row, r) => {
    const rowPath = ['components', r];
    if (!isObject(row) || row.type !== 1) {
      errors.add([...rowPath, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (1,).');
      return;
    }
    const children: unknown[] = Array.isArray(row.components) ? row.components : [];
    if (children.length === 0) errors.add([...rowPath, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    maxLength(errors, [...rowPath, 'components'], children, 5);
    let width = 0;
    children.forEach((child, c) => {
      const path = [...rowPath, 'components', c];
      const component = isObject(child) ? child : {};
      if (component.type === 2) {
        width += 1;
        validateButton(errors, path, component, customIds);
      } else if (SELECT_TYPES.has(component.type)) {
        width += 5;
        validateCustomId(errors, path, component.custom_id, customIds);
        maxLength(errors, [...path, 'placeholder'], component.placeholder, 150);
        if (component.type === 3) {
          const options: unknown[] = Array.isArray(component.options) ? component.options : [];
          if (options.length === 0) errors.add([...path, 'options'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
          maxLength(errors, [...path, 'options'], options, 25);
        }
      } else {
        errors.add([...path, 'type'], 'UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).');
      }
    });
    if (width > 5) errors.add([...rowPath, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
  });
}

/** Form-body checks for a message create/edit body; `prefix` nests the paths (e.g. ['data'] for interaction callbacks). */
export function messageFormErrors(body: Record<string, any>, prefix: Path = []): FormErrors {
  const errors = new FormErrors(prefix);
  if (body.content !== undefined && body.content !== null && typeof body.content !== 'string') {
    errors.add(['content'], 'BASE_TYPE_STRING', 'Must be a string.');
  }
  maxLength(errors, ['content'], body.content, 2000);
  if (Array.isArray(body.embeds)) {
    maxLength(errors, ['embeds'], body.embeds, 10);
    let total = 0;
    body.embeds.forEach((embed: unknown, i: number) => (total += validateEmbed(errors, ['embeds', i], embed)));
    if (total > MAX_EMBED_TOTAL) errors.add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${MAX_EMBED_TOTAL}`);
  }
  const flags = typeof body.flags === 'number' ? body.flags : 0;
  if ((flags & COMPONENTS_V2_FLAG) === 0) validateComponents(errors, body.components);
  if (typeof body.nonce === 'string') maxLength(errors, ['nonce'], body.nonce, 25);
  const mentions = body.allowed_mentions;
  if (isObject(mentions) && Array.isArray(mentions.parse)) {
    mentions.parse.forEach((value: unknown, i: number) => {
      if (!['roles', 'users', 'everyone'].includes(String(value))) {
        errors.add(['allowed_mentions', 'parse', i], 'BASE_TYPE_CHOICES', "Value must be one of {'roles', 'users', 'everyone'}.");
      }
    });
  }
  return errors;
}

/** The final message (after merging an edit) must show something. */
export function isEmptyMessage(message: { content?: unknown; embeds?: unknown; components?: unknown; attachments?: unknown; sticker_ids?: unknown; poll?: unknown }): boolean {
  const nonEmpty = (value: unknown) => (Array.isArray(value) ? value.length > 0 : typeof value === 'string' ? value.length > 0 : false);
  return !nonEmpty(message.content) && !nonEmpty(message.embeds) && !nonEmpty(message.components) &&
    !nonEmpty(message.attachments) && !nonEmpty(message.sticker_ids) && message.poll === undefined;
}

export const emptyMessageError: Reply = apiError(400, 50006, 'Cannot send an empty message');

/** Validates a validated message body (form errors first, then emptiness); null when acceptable. */
export function checkMessage(body: Record<string, any>, opts: { prefix?: Path; hasFiles?: boolean } = {}): Reply | null {
  const errors = messageFormErrors(body, opts.prefix);
  if (!errors.empty) return errors.reply();
  if (!opts.hasFiles && isEmptyMessage(body)) return emptyMessageError;
  return null;
}

const COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function validateNameAndDescription(errors: FormErrors, path: Path, item: Record<string, any>, needsDescription: boolean): void {
  if (required(errors, [...path, 'name'], item.name)) {
    const name = String(item.name);
    if (!COMMAND_NAME.test(name) || (needsDescription && name !== name.toLowerCase())) {
      errors.add([...path, 'name'], 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
    }
  }
  if (needsDescription) {
    if (required(errors, [...path, 'description'], item.description)) maxLength(errors, [...path, 'description'], item.description, 100);
  }
}

function validateOptions(errors: FormErrors, path: Path, options: unknown): void {
  if (!Array.isArray(options)) return;
  maxLength(errors, path, options, 25);
  options.forEach((option, i) => {
    const o = isObject(option) ? option : {};
    validateNameAndDescription(errors, [...path, i], o, true);
    maxLength(errors, [...path, i, 'choices'], o.choices, 25);
    validateOptions(errors, [...path, i, 'options'], o.options);
  });
}

/** Bulk overwrite body for application commands; null when acceptable. */
export function checkCommands(body: unknown): Reply | null {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], 'BASE_TYPE_ARRAY', 'Must be an array.');
    return errors.reply();
  }
  maxLength(errors, [], body, 110);
  const seen = new Set<string>();
  body.forEach((command, i) => {
    const c = isObject(command) ? command : {};
    const type = c.type ?? 1;
    validateNameAndDescription(errors, [i], c, type === 1);
    validateOptions(errors, [i, 'options'], c.options);
    const key = `${type}:${String(c.name)}`;
    if (seen.has(key)) errors.add([i, 'name'], 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
    seen.add(key);
  });
  return errors.empty ? null : errors.reply();
}
