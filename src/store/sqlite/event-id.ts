const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Canonical lower-case UUIDs are stored as 16 bytes; anything else as its text. */
export function encodeEventId(eventId: string): Buffer | string {
  return UUID.test(eventId) ? Buffer.from(eventId.replaceAll('-', ''), 'hex') : eventId;
}

export function decodeEventId(stored: Buffer | string): string {
  if (typeof stored === 'string') return stored;
  const hex = stored.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
