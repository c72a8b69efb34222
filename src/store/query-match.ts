import type { JournalEntry } from '../records/index.js';
import type { AttributeFilter, EventCursor, EventQuery } from './types.js';

/** Whether an event at (eventTime, seq) comes after `cursor` in page order (newest first): it belongs to a later page. */
export function isAfterCursor(eventTime: number, seq: number, cursor: EventCursor): boolean {
  return eventTime < cursor.eventTime || (eventTime === cursor.eventTime && seq < cursor.seq);
}

/**
 * Whether `entry`, not yet in the store, could be in `query`'s answer once it is: its partition,
 * time range, cursor, attributes and text all agree. It errs towards yes (an entry at the cursor's
 * own time counts, since its seq is not known yet), so a reader that skips waiting for entries this
 * rejects gets the same answer it would have got after waiting.
 */
export function mayMatch(entry: JournalEntry, query: EventQuery): boolean {
  if (entry.accountId !== query.accountId || entry.region !== query.region) return false;
  if (!query.categories.includes(entry.category)) return false;
  const time = entry.eventTime;
  if (query.startTime !== undefined && time < query.startTime) return false;
  if (query.endTime !== undefined && time > query.endTime) return false;
  if (query.after && time > query.after.eventTime) return false;
  for (const filter of query.attributes) if (!attributeMatches(entry, filter)) return false;
  return query.text === undefined || entry.raw.toLowerCase().includes(query.text.toLowerCase());
}

/** How `attributeKeysOf` spells a filter: an entry matches the filter iff its keys include this. */
export function attributeKey(filter: AttributeFilter): string {
  return `${filter.key}\u0000${filter.value}`;
}

/** Every lookup attribute an entry carries, spelled as `attributeKey` spells a filter that matches it. */
export function attributeKeysOf(entry: JournalEntry): string[] {
  const keys = [attributeKey({ key: 'EventId', value: entry.eventId }), attributeKey({ key: 'EventName', value: entry.eventName }), attributeKey({ key: 'EventSource', value: entry.eventSource })];
  if (entry.username !== undefined) keys.push(attributeKey({ key: 'Username', value: entry.username }));
  if (entry.accessKeyId !== undefined) keys.push(attributeKey({ key: 'AccessKeyId', value: entry.accessKeyId }));
  if (entry.readOnly !== undefined) keys.push(attributeKey({ key: 'ReadOnly', value: String(entry.readOnly) }));
  for (const r of entry.resources) {
    if (r.type !== undefined) keys.push(attributeKey({ key: 'ResourceType', value: r.type }));
    keys.push(attributeKey({ key: 'ResourceName', value: r.name }));
  }
  return keys;
}

function attributeMatches(entry: JournalEntry, { key, value }: AttributeFilter): boolean {
  switch (key) {
    case 'EventId':
      return entry.eventId === value;
    case 'EventName':
      return entry.eventName === value;
    case 'EventSource':
      return entry.eventSource === value;
    case 'Username':
      return entry.username === value;
    case 'AccessKeyId':
      return entry.accessKeyId === value;
    case 'ReadOnly':
      return entry.readOnly !== undefined && String(entry.readOnly) === value;
    case 'ResourceType':
      return entry.resources.some((r) => r.type === value);
    case 'ResourceName':
      return entry.resources.some((r) => r.name === value);
  }
}
