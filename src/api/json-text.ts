/**
 * A reply value already written as JSON text. Hot, immutable parts of a reply (a LookupEvents
 * event) are encoded once and spliced into each reply that carries them; see `encodeReplyJson`.
 */
export class JsonText {
  constructor(readonly text: string) {}

  /** Whatever serialises a reply with plain JSON.stringify still gets the value itself. */
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/**
 * A reply object as JSON: like JSON.stringify, except that JsonText members, and JsonText
 * elements of list members, are spliced in as written (the shape of every paged list reply).
 * Anything deeper goes through JSON.stringify, which honours JsonText by its toJSON.
 */
export function encodeReplyJson(reply: Record<string, unknown>): string {
  let out = '';
  for (const [key, value] of Object.entries(reply)) {
    const member = encodeMember(value);
    if (member !== undefined) out += `${out === '' ? '' : ','}${JSON.stringify(key)}:${member}`;
  }
  return `{${out}}`;
}

function encodeMember(value: unknown): string | undefined {
  if (value instanceof JsonText) return value.text;
  if (Array.isArray(value) && value.some((v) => v instanceof JsonText)) {
    return `[${value.map((v: unknown) => (v instanceof JsonText ? v.text : (JSON.stringify(v) ?? 'null'))).join(',')}]`;
  }
  return JSON.stringify(value);
}
