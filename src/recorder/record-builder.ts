import type { CloudTrailRecord, RecordResource, UserIdentity } from '../records/index.js';
import { redact } from './redact.js';

/** Everything known about one API call once it has been answered. */
export interface ApiCall {
  eventId: string;
  /** Epoch ms when the call arrived. */
  eventTime: number;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  recipientAccountId: string;
  identity: UserIdentity;
  sourceIPAddress: string;
  userAgent: string | undefined;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  requestId: string;
  readOnly: boolean;
  managementEvent: boolean;
  eventCategory: 'Management' | 'Data';
  apiVersion?: string;
  resources?: RecordResource[];
  tls?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
}

const KB = 1024;
/** AWS's caps: userAgent, errorCode/Message and requestID at 1 KB, parameters/elements at 100 KB. */
const MAX_SHORT = KB;
const MAX_ELEMENTS = 100 * KB;

/** Builds the CloudTrail record (eventVersion 1.11) for an API call, fields in AWS's order. */
export function buildRecord(call: ApiCall): CloudTrailRecord {
  // Assembled member by member so the JSON keeps AWS's field order.
  const record: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: call.identity,
    eventTime: new Date(call.eventTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: call.awsRegion,
    sourceIPAddress: call.sourceIPAddress,
  };
  if (call.userAgent !== undefined) record.userAgent = cap(call.userAgent);
  if (call.errorCode !== undefined) record.errorCode = cap(call.errorCode);
  if (call.errorMessage !== undefined) record.errorMessage = cap(call.errorMessage);
  record.requestParameters = capElements(call.requestParameters);
  record.responseElements = capElements(call.responseElements);
  if (call.additionalEventData) record.additionalEventData = call.additionalEventData;
  record.requestID = cap(call.requestId);
  record.eventID = call.eventId;
  record.readOnly = call.readOnly;
  if (call.resources) record.resources = call.resources;
  record.eventType = 'AwsApiCall';
  if (call.apiVersion !== undefined) record.apiVersion = call.apiVersion;
  record.managementEvent = call.managementEvent;
  record.recipientAccountId = call.recipientAccountId;
  record.eventCategory = call.eventCategory;
  if (call.tls) record.tlsDetails = { ...call.tls };
  return record as CloudTrailRecord;
}

function cap(text: string): string {
  if (Buffer.byteLength(text) <= MAX_SHORT) return text;
  return Buffer.from(text).subarray(0, MAX_SHORT).toString('utf8').replace(/\uFFFD$/, '');
}

/** Redacted; dropped (null) above 100 KB, as CloudTrail omits oversized parameters. */
function capElements(elements: Record<string, unknown> | null): Record<string, unknown> | null {
  if (elements === null) return null;
  const redacted = redact(elements) as Record<string, unknown>;
  return Buffer.byteLength(JSON.stringify(redacted)) > MAX_ELEMENTS ? null : redacted;
}

/**
 * Members whose values are maps keyed by the caller's own names (DynamoDB items and keys, tags,
 * attributes, environment variables): their keys are data and stay as sent.
 */
const MAP_MEMBERS = new Set([
  'item',
  'key',
  'keys',
  'requestItems',
  'expressionAttributeValues',
  'expressionAttributeNames',
  'exclusiveStartKey',
  'lastEvaluatedKey',
  'attributes',
  'tags',
  'variables',
  'messageAttributes',
  'messageSystemAttributes',
  'attributeUpdates',
  'expected',
]);

/**
 * CloudTrail writes JSON-protocol parameters with lower-camel member names (`MaxResults` →
 * `maxResults`); keys of data maps (see MAP_MEMBERS) keep their spelling.
 */
export function toRecordMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toRecordMembers);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    const name = lowerCamel(key);
    out[name] = MAP_MEMBERS.has(name) && member !== null && typeof member === 'object' && !Array.isArray(member) ? mapValues(member as Record<string, unknown>) : toRecordMembers(member);
  }
  return out;
}

/** A data map: keys kept, values (structures, or DynamoDB's `{"S": ...}`) kept verbatim too. */
function mapValues(map: Record<string, unknown>): Record<string, unknown> {
  return structuredClone(map);
}

function lowerCamel(name: string): string {
  if (name.length === 0 || !/^[A-Z]/.test(name)) return name;
  const leadingCaps = /^[A-Z]+(?=[A-Z][a-z]|$|[^A-Za-z])/.exec(name)?.[0];
  if (leadingCaps && leadingCaps.length > 1) return leadingCaps.toLowerCase() + name.slice(leadingCaps.length);
  return name[0]!.toLowerCase() + name.slice(1);
}
