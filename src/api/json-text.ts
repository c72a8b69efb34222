/**
 * A reply value already written as JSON text. Hot, immutable parts of a reply (a LookupEvents
 * event) are encoded once and spliced into each reply that carries them; see `encodeReplyJson`.
 */
export class JsonText {
  private utf8: Buffer | undefined;

  constructor(readonly text: string) {}

  /** The text as UTF-8, made on first use and kept: replies are bytes, and a page repeats its events. */
  get bytes(): Buffer {
    this.utf8 ??= Buffer.from(this.text, 'utf8');
    return this.utf8;
  }

  /** Whatever serialises a reply with plain JSON.stringify still gets the value itself. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

const OPEN_BRACE = Buffer.from('{');
const CLOSE_BRACE = Buffer.from('}');
const OPEN_BRACKET = Buffer.from('[');
const CLOSE_BRACKET = Buffer.from(']');
const COMMA = Buffer.from(',');

/**
 * A reply object as UTF-8 JSON: like JSON.stringify, except that JsonText members, and JsonText
 * elements of list members, are spliced in as their kept bytes (the shape of every paged list
 * reply), so a page of events is copied, not encoded again. Anything deeper goes through
 * JSON.stringify, which honours JsonText by its toJSON.
 */
export function encodeReplyJson(reply: Record<string, unknown>): Buffer {
  const parts: Buffer[] = [OPEN_BRACE];
  for (const [key, value] of Object.entries(reply)) {
    const member = encodeMember(value);
    if (member === undefined) continue;
    parts.push(Buffer.from(`${parts.length > 1 ? ',' : ''}${JSON.stringify(key)}:`), ...member);
  }
  parts.push(CLOSE_BRACE);
  return Buffer.concat(parts);
}

/** A member's JSON as buffers to concatenate; undefined when JSON.stringify would leave it out. */
function encodeMember(value: unknown): Buffer[] | undefined {
  if (value instanceof JsonText) return [value.bytes];
  if (Array.isArray(value) && value.some((v) => v instanceof JsonText)) {
    const parts: Buffer[] = [OPEN_BRACKET];
    value.forEach((v: unknown, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(v instanceof JsonText ? v.bytes : Buffer.from(JSON.stringify(v) ?? 'null'));
    });
    parts.push(CLOSE_BRACKET);
    return parts;
  }
  const text = JSON.stringify(value);
  return text === undefined ? undefined : [Buffer.from(text)];
}
