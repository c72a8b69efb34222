/**
 * The schema of a custom event's `eventData` (CloudTrail Lake integrations): what PutAuditEvents
 * checks before it stores an event. Pure: a JSON string in, the parsed event or the per-event
 * error AWS reports (`FieldNotFound`, `FieldTooLong`, `InvalidData`, `InvalidRecipient`,
 * `InvalidEventSource`) out.
 */

export type AuditEventErrorCode = 'FieldNotFound' | 'FieldTooLong' | 'InvalidData' | 'InvalidRecipient' | 'InvalidEventSource' | 'InvalidChecksum';

export type EventDataCheck = { ok: true; event: EventData; eventTimeMs: number } | { ok: false; errorCode: AuditEventErrorCode; errorMessage: string };

export interface EventData {
  version: string;
  userIdentity: { type: string; principalId: string; details?: Record<string, unknown> };
  userAgent?: string;
  eventSource: string;
  eventName: string;
  eventTime: string;
  UID: string;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  sourceIPAddress?: string;
  recipientAccountId: string;
  additionalEventData?: Record<string, unknown>;
}

const KB = 1024;
/** Top-level string fields: required or not, and their longest length. */
const STRING_FIELDS: readonly (readonly [name: string, required: boolean, max: number])[] = [
  ['version', true, 256],
  ['userAgent', false, 1024],
  ['eventSource', true, 1024],
  ['eventName', true, 1024],
  ['eventTime', true, 256],
  ['UID', true, 1024],
  ['errorCode', false, 256],
  ['errorMessage', false, 256],
  ['sourceIPAddress', false, 256],
  ['recipientAccountId', true, 256],
];
/** Object fields and their largest size, counted as the bytes of their JSON text. */
const OBJECT_FIELDS: readonly (readonly [name: string, maxBytes: number])[] = [
  ['requestParameters', 100 * KB],
  ['responseElements', 100 * KB],
  ['additionalEventData', 28 * KB],
];
const KNOWN = new Set(['userIdentity', ...STRING_FIELDS.map(([n]) => n), ...OBJECT_FIELDS.map(([n]) => n)]);
const IDENTITY_KNOWN = new Set(['type', 'principalId', 'details']);
/** `yyyy-MM-ddTHH:mm:ss`, optionally with fractions and `Z`: always UTC. */
const EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?Z?$/;
const ACCOUNT_ID = /^\d{12}$/;
/** Custom events cannot pass themselves off as events of an AWS service. */
const AWS_EVENT_SOURCE = /\.amazonaws\.com$/i;

function fail(errorCode: AuditEventErrorCode, errorMessage: string): EventDataCheck {
  return { ok: false, errorCode, errorMessage };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Epoch ms of a valid `eventTime`, or undefined (31 February is not a date). */
export function parseEventTime(text: string): number | undefined {
  const m = EVENT_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  return ms + fraction;
}

export function isIpAddress(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.includes(':::')) return false;
  let head = text;
  let groupsFromV4 = 0;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    head = text.slice(0, lastColon + 1) + '0';
    groupsFromV4 = 1;
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = all.length + groupsFromV4;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/**
 * Checks one event's `eventData` text for a channel of `ownerAccountId`. Unknown fields are
 * refused rather than dropped, so nothing a caller sent is silently lost.
 */
export function checkEventData(text: string, ownerAccountId: string): EventDataCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('InvalidData', 'eventData is not valid JSON.');
  }
  if (!isObject(parsed)) return fail('InvalidData', 'eventData must be a JSON object.');
  const unknown = Object.keys(parsed).find((k) => !KNOWN.has(k));
  if (unknown !== undefined) return fail('InvalidData', `eventData has the field ${unknown}, which the audit event schema does not define.`);

  for (const [name, required, max] of STRING_FIELDS) {
    const value = parsed[name];
    if (value === undefined || value === null) {
      if (required) return fail('FieldNotFound', `eventData is missing the required field ${name}.`);
      continue;
    }
    if (typeof value !== 'string') return fail('InvalidData', `eventData.${name} must be a string.`);
    if (required && value === '') return fail('FieldNotFound', `eventData.${name} is empty.`);
    if (value.length > max) return fail('FieldTooLong', `eventData.${name} is longer than ${max} characters.`);
  }

  const identity = parsed.userIdentity;
  if (identity === undefined || identity === null) return fail('FieldNotFound', 'eventData is missing the required field userIdentity.');
  if (!isObject(identity)) return fail('InvalidData', 'eventData.userIdentity must be an object.');
  const extra = Object.keys(identity).find((k) => !IDENTITY_KNOWN.has(k));
  if (extra !== undefined) return fail('InvalidData', `eventData.userIdentity has the field ${extra}, which the audit event schema does not define.`);
  for (const [name, max] of [['type', 128], ['principalId', 1024]] as const) {
    const value = identity[name];
    if (value === undefined || value === null || value === '') return fail('FieldNotFound', `eventData.userIdentity is missing the required field ${name}.`);
    if (typeof value !== 'string') return fail('InvalidData', `eventData.userIdentity.${name} must be a string.`);
    if (value.length > max) return fail('FieldTooLong', `eventData.userIdentity.${name} is longer than ${max} characters.`);
  }
  if (identity.details !== undefined && identity.details !== null && !isObject(identity.details)) return fail('InvalidData', 'eventData.userIdentity.details must be an object.');

  for (const [name, maxBytes] of OBJECT_FIELDS) {
    const value = parsed[name];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) return fail('InvalidData', `eventData.${name} must be an object.`);
    if (utf8Length(JSON.stringify(value)) > maxBytes) return fail('FieldTooLong', `eventData.${name} is larger than ${maxBytes / KB} KB.`);
  }

  const event = parsed as unknown as EventData;
  const eventTimeMs = parseEventTime(event.eventTime);
  if (eventTimeMs === undefined) return fail('InvalidData', `eventData.eventTime ${event.eventTime} is not a UTC time in the form yyyy-MM-ddTHH:mm:ssZ.`);
  if (event.sourceIPAddress !== undefined && event.sourceIPAddress !== null && !isIpAddress(event.sourceIPAddress)) {
    return fail('InvalidData', `eventData.sourceIPAddress ${event.sourceIPAddress} is not an IPv4 or IPv6 address.`);
  }
  if (!ACCOUNT_ID.test(event.recipientAccountId) || event.recipientAccountId !== ownerAccountId) {
    return fail('InvalidRecipient', `eventData.recipientAccountId ${event.recipientAccountId} is not the account that owns the channel (${ownerAccountId}).`);
  }
  if (AWS_EVENT_SOURCE.test(event.eventSource)) return fail('InvalidEventSource', `eventData.eventSource ${event.eventSource} is an AWS service's; custom events name their own source.`);
  return { ok: true, event, eventTimeMs };
}
