export type { CloudTrailRecord, UserIdentity, RecordResource, EventCategory, LookupResource, JournalEntry, StoredEvent } from './types.js';
export { toJournalEntry, categoryOf, InvalidRecordError } from './journal-entry.js';
export { lookupUsername } from './username.js';
export { lookupResources } from './resources.js';
export { readOnlyCode, readOnlyOf } from './read-only-code.js';
