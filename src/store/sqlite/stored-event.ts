import type { EventCategory, LookupResource, StoredEvent } from '../../records/index.js';
import { readOnlyOf } from '../../records/index.js';
import type { OpenChunk } from './chunk-cache.js';
import type { StringTable } from './string-table.js';

/** The interned key of an event-history partition: one account, region and category. */
export function partKey(accountId: string, region: string, category: EventCategory): string {
  return `p\u0000${accountId}\u0000${region}\u0000${category}`;
}

/**
 * Event `index` of a decoded chunk as the store hands it out, its terms looked up again. Built once
 * per cached chunk and frozen: a page of hot events costs no decoding, and callers may keep
 * derived forms of it (an encoded reply) keyed by the object itself.
 */
export function toStoredEvent(strings: StringTable, chunk: OpenChunk, index: number): StoredEvent {
  return (chunk.handedOut[index] ??= build(strings, chunk, index));
}

function build(strings: StringTable, chunk: OpenChunk, index: number): StoredEvent {
  const { decoded: d } = chunk;
  const i = index;
  const [, accountId, region, category] = strings.value(d.part[i]!).split('\u0000') as [string, string, string, EventCategory];
  const resources: LookupResource[] = [];
  for (let r = d.resourceStart[i]!; r < d.resourceStart[i + 1]!; r++) {
    const type = d.resourceTerms[2 * r]!;
    const name = strings.value(d.resourceTerms[2 * r + 1]!);
    resources.push(Object.freeze(type === 0 ? { name } : { type: strings.value(type), name }));
  }
  const user = d.user[i]!;
  const akid = d.akid[i]!;
  Object.freeze(resources);
  return Object.freeze({
    seq: chunk.firstSeq + d.seqDelta[i]!,
    receivedAt: chunk.received + d.receivedDelta[i]!,
    eventId: d.eventIds[i]!,
    accountId,
    region,
    category,
    eventTime: d.time[i]!,
    eventName: strings.value(d.name[i]!),
    eventSource: strings.value(d.source[i]!),
    readOnly: readOnlyOf(d.readOnly[i]),
    username: user === 0 ? undefined : strings.value(user),
    accessKeyId: akid === 0 ? undefined : strings.value(akid),
    resources,
    raw: d.raw(i),
  });
}
