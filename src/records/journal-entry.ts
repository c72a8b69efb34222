import { lookupResources } from './resources.js';
import type { CloudTrailRecord, EventCategory, JournalEntry } from './types.js';
import { lookupUsername } from './username.js';

/** Why a record cannot enter the journal. */
export class InvalidRecordError extends Error {}

const CATEGORIES: ReadonlySet<string> = new Set(['Management', 'Data', 'Insight', 'NetworkActivity']);

/**
 * Builds the journal entry for one record. `raw` is the record's JSON text (kept byte for byte);
 * `record` is its parsed form. Throws InvalidRecordError when a field event history needs is missing.
 * `fallback` supplies account and region for records that lack them (never overrides the record).
 */
export function toJournalEntry(
  raw: string,
  record: unknown,
  fallback: { accountId?: string; region?: string } = {},
): JournalEntry {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InvalidRecordError('record is not a JSON object');
  }
  const r = record as CloudTrailRecord;
  const eventId = requireString(r.eventID, 'eventID');
  const eventTime = Date.parse(requireString(r.eventTime, 'eventTime'));
  if (Number.isNaN(eventTime)) throw new InvalidRecordError(`eventTime is not a timestamp: ${String(r.eventTime)}`);
  const accountId = stringOr(r.recipientAccountId) ?? stringOr(r.userIdentity?.accountId) ?? fallback.accountId;
  if (!accountId) throw new InvalidRecordError('record names no account (recipientAccountId)');
  const region = stringOr(r.awsRegion) ?? fallback.region;
  if (!region) throw new InvalidRecordError('record names no region (awsRegion)');
  // Insights records name the API they are about inside insightDetails; LookupEvents shows those names.
  const insight = r.eventType === 'AwsCloudTrailInsight' ? (r.insightDetails as { eventName?: unknown; eventSource?: unknown } | undefined) : undefined;
  return {
    eventId,
    accountId,
    region,
    category: categoryOf(r),
    eventTime,
    eventName: requireString(r.eventName ?? insight?.eventName, 'eventName'),
    eventSource: requireString(r.eventSource ?? insight?.eventSource, 'eventSource'),
    readOnly: typeof r.readOnly === 'boolean' ? r.readOnly : undefined,
    username: lookupUsername(r.userIdentity),
    accessKeyId: stringOr(r.userIdentity?.accessKeyId),
    resources: lookupResources(r),
    raw,
  };
}

/** The category of a record, for records older than eventVersion 1.07 too. */
export function categoryOf(r: CloudTrailRecord): EventCategory {
  if (typeof r.eventCategory === 'string') return CATEGORIES.has(r.eventCategory) ? (r.eventCategory as EventCategory) : 'Other';
  if (r.eventType === 'AwsCloudTrailInsight') return 'Insight';
  if (r.managementEvent === false) return 'Data';
  return 'Management';
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidRecordError(`record has no ${field}`);
  return value;
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
